package io.coffer.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Verifies AWS Signature Version 4 on S3 requests: the Authorization header, presigned query parameters,
 * anonymous requests (reported, not rejected: the gateway decides what anonymous may do), and the legacy
 * Signature Version 2 (header and presigned) when the request view can list its headers.
 *
 * <p>Thread-safe; one instance serves the whole gateway. Derived signing keys are cached per
 * (secret, date, region), so a request costs one SHA-256 of the canonical request and one HMAC.
 */
public final class SigV4Verifier {

    /** S3 refuses requests whose timestamp is further than this from its clock. */
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /** Longest validity of a presigned URL: 7 days. */
    static final long MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

    private static final String SERVICE = "s3";
    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    private static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static final String V2_NOT_SUPPORTED =
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

    private final CredentialsProvider credentials;
    private final String region;
    private final Clock clock;
    private final String virtualHostSuffix;
    private final SigningKeyCache signingKeys = new SigningKeyCache();

    /**
     * @param region the region clients must sign for ("us-east-1")
     */
    public SigV4Verifier(CredentialsProvider credentials, String region, Clock clock) {
        this(credentials, region, clock, null);
    }

    /**
     * @param region the region clients must sign for ("us-east-1")
     * @param domain the domain of virtual-hosted-style requests ("s3.example.com" for "bucket.s3.example.com"),
     *               or null; Signature Version 2 signs the bucket of such requests as part of the path
     */
    public SigV4Verifier(CredentialsProvider credentials, String region, Clock clock, String domain) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (region.isEmpty()) {
            throw new IllegalArgumentException("region must be non-empty");
        }
        this.virtualHostSuffix = domain == null || domain.isBlank()
                ? null : "." + domain.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Verifies the request's signature and reports who signed it and how its body is protected.
     *
     * @throws AuthException with the S3 error code when the request is not properly signed
     */
    public AuthResult verify(SigV4Request request) {
        String authorization = request.header("authorization");
        if (authorization != null && authorization.isBlank()) {
            // S3 answers a blank Authorization header like a missing one (403 AccessDenied where anonymous
            // access is not allowed), not as a malformed signature.
            authorization = null;
        }
        String query = request.rawQuery();
        boolean presignedV4 = hasQueryParam(query, "X-Amz-Algorithm");
        boolean presignedV2 = !presignedV4 && hasQueryParam(query, "AWSAccessKeyId")
                && hasQueryParam(query, "Signature");
        if (authorization != null && (presignedV4 || presignedV2)) {
            throw AuthException.invalidArgument("Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                    + "parameter, Signature query string parameter or the Authorization header should be specified");
        }
        if (authorization != null) {
            if (authorization.trim().startsWith("AWS ")) {
                return verifyV2Header(request, authorization.trim().substring(4).trim());
            }
            return verifyHeader(request, authorization);
        }
        if (presignedV4) {
            return verifyPresigned(request);
        }
        if (presignedV2) {
            return verifyV2Presigned(request);
        }
        return anonymous(request);
    }

    // ---- Signature Version 2 ------------------------------------------------------------------------------

    private AuthResult verifyV2Header(SigV4Request request, String credential) {
        Collection<String> headerNames = request.headerNames();
        if (headerNames == null) {
            throw AuthException.invalidRequest(V2_NOT_SUPPORTED);
        }
        int colon = credential.lastIndexOf(':');
        if (colon <= 0 || colon == credential.length() - 1) {
            throw AuthException.invalidArgument("AWS authorization header is invalid.  Expected "
                    + "AwsAccessKeyId:signature");
        }
        String accessKey = credential.substring(0, colon);
        String signature = credential.substring(colon + 1);
        String amzDate = request.header("x-amz-date");
        String dateLine;
        Instant requestTime;
        if (amzDate != null) {
            // With x-amz-date the Date line is empty; x-amz-date is signed among the x-amz-* headers.
            requestTime = SignatureV2.parseDate(amzDate);
            dateLine = "";
        } else {
            dateLine = request.header("date");
            requestTime = SignatureV2.parseDate(dateLine);
        }
        if (requestTime == null || requestTime.isBefore(Instant.EPOCH)) {
            throw AuthException.accessDenied("AWS authentication requires a valid Date or x-amz-date header");
        }
        checkSkew(requestTime);
        Credentials found = credentials.lookup(accessKey).orElseThrow(AuthException::invalidAccessKeyId);
        checkV2Signature(request, dateLine, headerNames, found, signature);
        return new AuthResult(AuthMethod.HEADER, found.accessKey(), PayloadMode.UNSIGNED, null, null);
    }

    private AuthResult verifyV2Presigned(SigV4Request request) {
        Collection<String> headerNames = request.headerNames();
        if (headerNames == null) {
            throw AuthException.invalidRequest(V2_NOT_SUPPORTED);
        }
        QueryParams params = QueryParams.parse(request.rawQuery());
        String accessKey = params.get("AWSAccessKeyId");
        String expires = params.get("Expires");
        String signature = params.get("Signature");
        if (accessKey == null || expires == null || signature == null) {
            throw AuthException.accessDenied("Query-string authentication requires the Signature, Expires and "
                    + "AWSAccessKeyId parameters");
        }
        long expiresEpoch;
        try {
            expiresEpoch = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw AuthException.accessDenied("Invalid date (should be seconds since epoch): " + expires);
        }
        Credentials found = credentials.lookup(accessKey).orElseThrow(AuthException::invalidAccessKeyId);
        checkV2Signature(request, expires, headerNames, found, signature);
        if (clock.instant().getEpochSecond() > expiresEpoch) {
            throw AuthException.accessDenied("Request has expired");
        }
        return new AuthResult(AuthMethod.PRESIGNED, found.accessKey(), PayloadMode.UNSIGNED, null, null);
    }

    /**
     * Compares a Signature Version 2 signature. A request on a bucket alone ("/bucket") is also accepted signed
     * as "/bucket/": botocore and s3cmd sign the bucket's resource with the trailing slash S3's documentation
     * shows, whether or not they send it.
     */
    private void checkV2Signature(SigV4Request request, String dateLine, Collection<String> headerNames,
                                  Credentials found, String signature) {
        String hostBucket = virtualHostBucket(request.host());
        String stringToSign = SignatureV2.stringToSign(request, dateLine, hostBucket, headerNames);
        if (SigningCrypto.signaturesEqual(SignatureV2.sign(found.secretKey(), stringToSign), signature)) {
            return;
        }
        String path = request.rawPath();
        boolean bucketOnly = hostBucket == null && path.length() > 1 && path.indexOf('/', 1) < 0;
        if (bucketOnly) {
            String withSlash = SignatureV2.stringToSign(request, dateLine, null, headerNames, path + "/");
            if (SigningCrypto.signaturesEqual(SignatureV2.sign(found.secretKey(), withSlash), signature)) {
                return;
            }
        }
        throw AuthException.signatureDoesNotMatch();
    }

    /** The bucket of a virtual-hosted-style request ("photos" for "photos.s3.example.com:9000"), or null. */
    String virtualHostBucket(String host) {
        if (virtualHostSuffix == null || host == null) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(virtualHostSuffix) && h.length() > virtualHostSuffix.length()) {
            return h.substring(0, h.length() - virtualHostSuffix.length());
        }
        return null;
    }

    // ---- Authorization header ---------------------------------------------------------------------------

    private AuthResult verifyHeader(SigV4Request request, String authorization) {
        AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
        CredentialScope scope = auth.credential();
        checkScope(scope, false);

        String amzDate = request.header("x-amz-date");
        Instant requestTime;
        if (amzDate != null) {
            requestTime = parseAmzDate(amzDate);
            if (requestTime == null) {
                throw AuthException.accessDenied("AWS authentication requires a valid Date or x-amz-date header");
            }
        } else {
            // SigV4 allows the Date header instead; the string to sign still uses the basic ISO 8601 form.
            requestTime = parseHttpDate(request.header("date"));
            if (requestTime == null) {
                throw AuthException.accessDenied("AWS authentication requires a valid Date or x-amz-date header");
            }
            amzDate = AMZ_DATE.format(requestTime.atOffset(ZoneOffset.UTC));
        }
        if (!amzDate.startsWith(scope.date())) {
            throw AuthException.headerMalformed("Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        // An unsigned timestamp could be replaced to replay a captured request outside the skew window.
        String dateHeader = request.header("x-amz-date") != null ? "x-amz-date" : "date";
        if (!auth.signedHeaders().contains(dateHeader)) {
            throw AuthException.headerMalformed("the SignedHeaders must include " + dateHeader + ".");
        }
        checkSkew(requestTime);

        String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 == null) {
            throw AuthException.invalidRequest("Missing required header for this request: x-amz-content-sha256");
        }
        PayloadMode mode = payloadMode(contentSha256);
        if (!auth.signedHeaders().contains("host")) {
            throw AuthException.headerMalformed("the SignedHeaders must include host.");
        }

        byte[] signingKey = signingKeyFor(scope);
        String scopeLine = scope.scope();
        checkSignature(request, auth.signedHeaders(), auth.signedHeadersLine(), contentSha256, amzDate, scopeLine,
                signingKey, auth.signature(), null);

        String payloadSha256 = mode == PayloadMode.SIGNED ? contentSha256.toLowerCase(Locale.ROOT) : null;
        StreamingContext streaming = mode.isStreaming()
                ? new StreamingContext(signingKey, auth.signature(), scopeLine, amzDate)
                : null;
        return new AuthResult(AuthMethod.HEADER, scope.accessKey(), mode, payloadSha256, streaming);
    }

    // ---- presigned URL ----------------------------------------------------------------------------------

    private AuthResult verifyPresigned(SigV4Request request) {
        QueryParams params = QueryParams.parse(request.rawQuery());
        String algorithm = params.get("X-Amz-Algorithm");
        String credential = params.get("X-Amz-Credential");
        String amzDate = params.get("X-Amz-Date");
        String expires = params.get("X-Amz-Expires");
        String signedHeadersLine = params.get("X-Amz-SignedHeaders");
        String signature = params.get("X-Amz-Signature");
        if (algorithm == null || credential == null || amzDate == null || expires == null
                || signedHeadersLine == null || signature == null) {
            throw AuthException.queryMalformed("Query-string authentication version 4 requires the X-Amz-Algorithm, "
                    + "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
                    + "parameters.");
        }
        if (!CanonicalRequest.ALGORITHM.equals(algorithm)) {
            throw AuthException.queryMalformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        CredentialScope scope = CredentialScope.parse(credential);
        if (scope == null) {
            throw AuthException.queryMalformed("Error parsing the X-Amz-Credential parameter; the Credential is "
                    + "mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        checkScope(scope, true);
        Instant requestTime = parseAmzDate(amzDate);
        if (requestTime == null) {
            throw AuthException.queryMalformed("X-Amz-Date must be in the ISO8601 Long Format "
                    + "\"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (!amzDate.startsWith(scope.date())) {
            throw AuthException.queryMalformed("Error parsing the X-Amz-Credential parameter; Invalid credential "
                    + "date. Date is not the same as X-Amz-Date.");
        }
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw AuthException.queryMalformed("X-Amz-Expires should be a number");
        }
        // Out of range is a refusal (403), not a malformed query: a URL that could never be valid is treated like
        // an expired one, as RGW and ceph/s3-tests expect.
        if (expiresSeconds < 0) {
            throw AuthException.accessDenied("X-Amz-Expires must be non-negative");
        }
        if (expiresSeconds > MAX_PRESIGN_EXPIRES_SECONDS) {
            throw AuthException.accessDenied("X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }
        if (!SigningCrypto.isLowerHex(signature, 64)) {
            // Cannot match any signature we compute; answer as S3 does for a wrong one.
            throw AuthException.signatureDoesNotMatch();
        }
        List<String> signedHeaders = splitSignedHeaders(signedHeadersLine);
        if (signedHeaders == null || !signedHeaders.contains("host")) {
            throw AuthException.queryMalformed("X-Amz-SignedHeaders must include host");
        }

        Instant now = clock.instant();
        if (requestTime.isAfter(now.plus(MAX_SKEW))) {
            throw AuthException.accessDenied("Request is not valid yet");
        }
        byte[] signingKey = signingKeyFor(scope);
        // A presigned URL signs UNSIGNED-PAYLOAD unless the signer put a hash in the query.
        String payloadHash = params.get("X-Amz-Content-Sha256");
        if (payloadHash == null) {
            payloadHash = UNSIGNED_PAYLOAD;
        }
        PayloadMode mode = payloadMode(payloadHash);
        if (mode.isStreaming()) {
            throw AuthException.invalidRequest("A presigned request cannot use a streaming payload");
        }
        checkSignature(request, signedHeaders, signedHeadersLine, payloadHash, amzDate, scope.scope(), signingKey,
                signature, "X-Amz-Signature");
        // Checked after the signature so that a forged URL learns nothing about expiry.
        // Valid for [X-Amz-Date, X-Amz-Date + X-Amz-Expires): X-Amz-Expires=0 is never valid.
        if (!now.isBefore(requestTime.plusSeconds(expiresSeconds))) {
            throw AuthException.accessDenied("Request has expired");
        }
        String payloadSha256 = mode == PayloadMode.SIGNED ? payloadHash.toLowerCase(Locale.ROOT) : null;
        return new AuthResult(AuthMethod.PRESIGNED, scope.accessKey(), mode, payloadSha256, null);
    }

    // ---- POST Object form ------------------------------------------------------------------------------

    /**
     * Verifies the signature of a browser-based upload form (POST Object): SigV4 fields (x-amz-algorithm,
     * x-amz-credential, x-amz-date, x-amz-signature = hex HMAC of the base64 policy under the signing key)
     * or the legacy pair (AWSAccessKeyId, signature = base64 HMAC-SHA1 of the policy under the secret).
     * A form with none of these is anonymous. The policy's expiration and conditions are checked separately
     * with {@link PostPolicy}.
     *
     * @param formFields the form fields before the file; names are matched case-insensitively
     */
    public AuthResult verifyPostPolicy(Map<String, String> formFields) {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        fields.putAll(formFields);
        String policy = fields.get("policy");
        String v4Signature = fields.get("x-amz-signature");
        String v2AccessKey = fields.get("AWSAccessKeyId");
        if (v4Signature == null && v2AccessKey == null && fields.get("x-amz-credential") == null) {
            if (policy != null) {
                throw AuthException.invalidArgument("Bucket POST must contain a field named 'x-amz-signature'.");
            }
            return new AuthResult(AuthMethod.ANONYMOUS, null, PayloadMode.UNSIGNED, null, null);
        }
        if (policy == null) {
            throw AuthException.invalidArgument("Bucket POST must contain a field named 'policy'.");
        }
        if (v2AccessKey != null && v4Signature == null) {
            String signature = fields.get("signature");
            if (signature == null) {
                throw AuthException.invalidArgument("Bucket POST must contain a field named 'signature'.");
            }
            Credentials found = credentials.lookup(v2AccessKey).orElseThrow(AuthException::invalidAccessKeyId);
            String expected = java.util.Base64.getEncoder().encodeToString(SigningCrypto.hmacSha1(
                    found.secretKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), policy));
            if (!SigningCrypto.signaturesEqual(expected, signature.trim())) {
                throw AuthException.signatureDoesNotMatch();
            }
            return new AuthResult(AuthMethod.POST_POLICY, found.accessKey(), PayloadMode.UNSIGNED, null, null);
        }
        String algorithm = fields.get("x-amz-algorithm");
        String credential = fields.get("x-amz-credential");
        String amzDate = fields.get("x-amz-date");
        if (algorithm == null || credential == null || amzDate == null || v4Signature == null) {
            throw AuthException.invalidArgument("Bucket POST must contain the fields x-amz-algorithm, "
                    + "x-amz-credential, x-amz-date and x-amz-signature.");
        }
        if (!CanonicalRequest.ALGORITHM.equals(algorithm)) {
            throw AuthException.invalidArgument("x-amz-algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        CredentialScope scope = CredentialScope.parse(credential);
        if (scope == null) {
            throw AuthException.invalidArgument("x-amz-credential is mal-formed; expecting "
                    + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        checkScope(scope, true);
        if (parseAmzDate(amzDate) == null || !amzDate.startsWith(scope.date())) {
            throw AuthException.invalidArgument("x-amz-date must be yyyyMMdd'T'HHmmss'Z' on the credential's date.");
        }
        byte[] signingKey = signingKeyFor(scope);
        if (!SigningCrypto.signaturesEqual(SigningCrypto.hmacHex(signingKey, policy), v4Signature.trim())) {
            throw AuthException.signatureDoesNotMatch();
        }
        return new AuthResult(AuthMethod.POST_POLICY, scope.accessKey(), PayloadMode.UNSIGNED, null, null);
    }

    // ---- anonymous --------------------------------------------------------------------------------------

    private AuthResult anonymous(SigV4Request request) {
        String contentSha256 = request.header("x-amz-content-sha256");
        PayloadMode mode = contentSha256 == null ? PayloadMode.UNSIGNED : payloadMode(contentSha256);
        if (mode.hasChunkSignatures()) {
            throw AuthException.invalidRequest("A signed streaming payload requires an Authorization header");
        }
        String payloadSha256 = mode == PayloadMode.SIGNED ? contentSha256.toLowerCase(Locale.ROOT) : null;
        return new AuthResult(AuthMethod.ANONYMOUS, null, mode, payloadSha256, null);
    }

    // ---- shared steps -----------------------------------------------------------------------------------

    private void checkScope(CredentialScope scope, boolean presigned) {
        if (!region.equals(scope.region())) {
            String detail = "the region '" + scope.region() + "' is wrong; expecting '" + region + "'";
            throw presigned
                    ? AuthException.queryMalformed("Error parsing the X-Amz-Credential parameter; " + detail)
                    : AuthException.headerMalformed(detail);
        }
        if (!SERVICE.equals(scope.service())) {
            String detail = "incorrect service '" + scope.service() + "'. This endpoint belongs to 's3'.";
            throw presigned
                    ? AuthException.queryMalformed("Error parsing the X-Amz-Credential parameter; " + detail)
                    : AuthException.headerMalformed(detail);
        }
    }

    private byte[] signingKeyFor(CredentialScope scope) {
        Credentials found = credentials.lookup(scope.accessKey()).orElseThrow(AuthException::invalidAccessKeyId);
        return signingKeys.signingKey(found.secretKey(), scope.date(), scope.region(), scope.service());
    }

    private void checkSkew(Instant requestTime) {
        Instant now = clock.instant();
        if (Duration.between(requestTime, now).abs().compareTo(MAX_SKEW) > 0) {
            throw AuthException.requestTimeTooSkewed();
        }
    }

    /**
     * Compares the provided signature with the one computed over the canonical request. The path and query
     * are first taken as sent (what SDKs sign); only if that fails are re-encoded forms tried, for clients
     * that send a path or query spelled differently from the form they signed.
     */
    private void checkSignature(SigV4Request request, List<String> signedHeaders, String signedHeadersLine,
                                String payloadHash, String amzDate, String scope, byte[] signingKey,
                                String provided, String skipParam) {
        String rawPath = request.rawPath();
        String rawQuery = request.rawQuery();
        String query = CanonicalRequest.canonicalQuery(rawQuery, false, skipParam);
        if (matches(request, rawPath, query, signedHeaders, signedHeadersLine, payloadHash, amzDate, scope,
                signingKey, provided)) {
            return;
        }
        String strictPath = CanonicalRequest.reencodePath(rawPath);
        String formQuery = rawQuery.indexOf('+') >= 0
                ? CanonicalRequest.canonicalQuery(rawQuery, true, skipParam)
                : query;
        boolean pathDiffers = !strictPath.equals(rawPath);
        boolean queryDiffers = !formQuery.equals(query);
        if ((pathDiffers && matches(request, strictPath, query, signedHeaders, signedHeadersLine, payloadHash,
                amzDate, scope, signingKey, provided))
                || (queryDiffers && matches(request, rawPath, formQuery, signedHeaders, signedHeadersLine,
                payloadHash, amzDate, scope, signingKey, provided))
                || (pathDiffers && queryDiffers && matches(request, strictPath, formQuery, signedHeaders,
                signedHeadersLine, payloadHash, amzDate, scope, signingKey, provided))) {
            return;
        }
        throw AuthException.signatureDoesNotMatch();
    }

    private static boolean matches(SigV4Request request, String path, String query, List<String> signedHeaders,
                                   String signedHeadersLine, String payloadHash, String amzDate, String scope,
                                   byte[] signingKey, String provided) {
        String canonical = CanonicalRequest.build(request.method(), path, query, request, signedHeaders,
                signedHeadersLine, payloadHash);
        String stringToSign = CanonicalRequest.stringToSign(amzDate, scope, canonical);
        return SigningCrypto.signaturesEqual(SigningCrypto.hmacHex(signingKey, stringToSign), provided);
    }

    static PayloadMode payloadMode(String contentSha256) {
        switch (contentSha256) {
            case UNSIGNED_PAYLOAD:
                return PayloadMode.UNSIGNED;
            case STREAMING_SIGNED:
                return PayloadMode.STREAMING_SIGNED;
            case STREAMING_SIGNED_TRAILER:
                return PayloadMode.STREAMING_SIGNED_TRAILER;
            case STREAMING_UNSIGNED_TRAILER:
                return PayloadMode.STREAMING_UNSIGNED_TRAILER;
            default:
                if (SigningCrypto.isLowerHex(contentSha256.toLowerCase(Locale.ROOT), 64)) {
                    return PayloadMode.SIGNED;
                }
                throw AuthException.invalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                        + "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                        + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
        }
    }

    static List<String> splitSignedHeaders(String line) {
        if (line == null || line.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>(8);
        int start = 0;
        while (start <= line.length()) {
            int semi = line.indexOf(';', start);
            int end = semi < 0 ? line.length() : semi;
            if (end == start) {
                return null;
            }
            names.add(line.substring(start, end).toLowerCase(Locale.ROOT));
            start = end + 1;
        }
        return names;
    }

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    /** Parses "20130524T000000Z" by hand: it is on every request and DateTimeFormatter is slow. */
    static Instant parseAmzDate(String s) {
        if (s == null || s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 4, 6);
        int day = digits(s, 6, 8);
        int hour = digits(s, 9, 11);
        int minute = digits(s, 11, 13);
        int second = digits(s, 13, 15);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static Instant parseHttpDate(String s) {
        return SignatureV2.parseDate(s);
    }

    private static boolean hasQueryParam(String rawQuery, String name) {
        if (rawQuery.isEmpty()) {
            return false;
        }
        int i = rawQuery.indexOf(name);
        while (i >= 0) {
            boolean startOk = i == 0 || rawQuery.charAt(i - 1) == '&';
            int after = i + name.length();
            boolean endOk = after == rawQuery.length() || rawQuery.charAt(after) == '=' || rawQuery.charAt(after) == '&';
            if (startOk && endOk) {
                return true;
            }
            i = rawQuery.indexOf(name, i + 1);
        }
        return false;
    }
}
