package io.coffer.gateway.auth;

import static io.coffer.gateway.auth.S3Examples.TIME;
import static io.coffer.gateway.auth.S3Examples.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigV4VerifierTest {

    private static final String GET_SIGNATURE = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    private static final String PRESIGNED_SIGNATURE =
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    private static AuthException fails(String code, int status, SigV4Verifier verifier, SigV4Request request) {
        AuthException e = assertThrows(AuthException.class, () -> verifier.verify(request));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(status, e.status());
        return e;
    }

    // ---- S3 documentation examples -----------------------------------------------------------------------

    @Test
    void documentationGetObjectExampleVerifies() {
        AuthResult result = S3Examples.verifier(TIME).verify(S3Examples.getObject(GET_SIGNATURE));
        assertEquals(AuthMethod.HEADER, result.method());
        assertEquals(S3Examples.ACCESS_KEY, result.accessKey());
        assertEquals(PayloadMode.SIGNED, result.payloadMode());
        assertEquals(S3Examples.EMPTY_SHA, result.payloadSha256());
        assertNull(result.streaming());
    }

    @Test
    void documentationGetObjectWithOneFlippedSignatureDigitIsSignatureDoesNotMatch() {
        String bad = GET_SIGNATURE.substring(0, 63) + "0";
        AuthException e = fails("SignatureDoesNotMatch", 403, S3Examples.verifier(TIME), S3Examples.getObject(bad));
        assertTrue(e.getMessage().startsWith("The request signature we calculated does not match"));
    }

    @Test
    void documentationGetObjectWithChangedRangeIsSignatureDoesNotMatch() {
        SigV4Request original = S3Examples.getObject(GET_SIGNATURE);
        Map<String, List<String>> h = headers("Host", "examplebucket.s3.amazonaws.com", "Range", "bytes=0-10",
                "x-amz-content-sha256", S3Examples.EMPTY_SHA, "x-amz-date", "20130524T000000Z",
                "Authorization", original.header("authorization"));
        fails("SignatureDoesNotMatch", 403, S3Examples.verifier(TIME), SigV4Request.of("GET", "/test.txt", h));
    }

    @Test
    void documentationPutObjectExampleWithDateHeaderAndDollarKeyVerifies() {
        // PUT /test$file.text: the path is sent encoded, as the signer encoded it.
        SigV4Request request = SigV4Request.of("PUT", "/test%24file.text", headers(
                "Host", "examplebucket.s3.amazonaws.com",
                "Date", "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-date", "20130524T000000Z",
                "x-amz-storage-class", "REDUCED_REDUNDANCY",
                "x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                        + "aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
        AuthResult result = S3Examples.verifier(TIME).verify(request);
        assertEquals("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", result.payloadSha256());
    }

    @Test
    void documentationGetBucketLifecycleAndListObjectsExamplesVerify() {
        SigV4Verifier verifier = S3Examples.verifier(TIME);
        for (String[] c : new String[][] {
                {"/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
                {"/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"}}) {
            SigV4Request request = SigV4Request.of("GET", c[0], headers(
                    "Host", "examplebucket.s3.amazonaws.com",
                    "x-amz-date", "20130524T000000Z",
                    "x-amz-content-sha256", S3Examples.EMPTY_SHA,
                    "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                            + "aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=" + c[1]));
            assertEquals(S3Examples.ACCESS_KEY, verifier.verify(request).accessKey(), c[0]);
        }
    }

    @Test
    void documentationChunkedUploadSeedSignatureVerifiesAndCarriesStreamingContext() {
        AuthResult result = S3Examples.verifier(TIME).verify(S3Examples.chunkedPut());
        assertEquals(PayloadMode.STREAMING_SIGNED, result.payloadMode());
        StreamingContext ctx = result.streaming();
        assertEquals(S3Examples.SEED_SIGNATURE, ctx.seedSignature());
        assertEquals("20130524/us-east-1/s3/aws4_request", ctx.scope());
        assertEquals("20130524T000000Z", ctx.amzDate());
        assertArrayEquals(SigningKeyCache.derive(S3Examples.SECRET, "20130524", "us-east-1", "s3"), ctx.signingKey());
    }

    private static SigV4Request presigned(String query) {
        return SigV4Request.of("GET", "/test.txt?" + query, headers("Host", "examplebucket.s3.amazonaws.com"));
    }

    private static final String PRESIGNED_QUERY = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=" + PRESIGNED_SIGNATURE;

    @Test
    void documentationPresignedUrlVerifiesWithinItsDay() {
        AuthResult result = S3Examples.verifier(TIME.plus(Duration.ofHours(23))).verify(presigned(PRESIGNED_QUERY));
        assertEquals(AuthMethod.PRESIGNED, result.method());
        assertEquals(S3Examples.ACCESS_KEY, result.accessKey());
        assertEquals(PayloadMode.UNSIGNED, result.payloadMode());
    }

    @Test
    void documentationPresignedUrlAfterExpiryIsAccessDeniedRequestHasExpired() {
        AuthException e = fails("AccessDenied", 403, S3Examples.verifier(TIME.plusSeconds(86401)),
                presigned(PRESIGNED_QUERY));
        assertEquals("Request has expired", e.getMessage());
    }

    @Test
    void presignedUrlFromTheFutureIsNotValidYet() {
        AuthException e = fails("AccessDenied", 403, S3Examples.verifier(TIME.minus(Duration.ofMinutes(16))),
                presigned(PRESIGNED_QUERY));
        assertEquals("Request is not valid yet", e.getMessage());
    }

    @Test
    void presignedUrlWithTamperedQueryIsSignatureDoesNotMatch() {
        fails("SignatureDoesNotMatch", 403, S3Examples.verifier(TIME),
                presigned(PRESIGNED_QUERY + "&response-content-type=text%2Fhtml"));
    }

    @Test
    void presignedUrlParameterErrorsAreAuthorizationQueryParametersError() {
        SigV4Verifier verifier = S3Examples.verifier(TIME);
        fails("AuthorizationQueryParametersError", 400, verifier,
                presigned(PRESIGNED_QUERY.replace("&X-Amz-Expires=86400", "")));
        fails("AuthorizationQueryParametersError", 400, verifier,
                presigned(PRESIGNED_QUERY.replace("X-Amz-Expires=86400", "X-Amz-Expires=soon")));
        fails("AuthorizationQueryParametersError", 400, verifier,
                presigned(PRESIGNED_QUERY.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1")));
        fails("AuthorizationQueryParametersError", 400, verifier,
                presigned(PRESIGNED_QUERY.replace("us-east-1", "eu-west-1")));
    }

    @Test
    void presignedExpiresOutOfRangeIsAccessDenied403() {
        SigV4Verifier verifier = S3Examples.verifier(TIME);
        AuthException week = fails("AccessDenied", 403, verifier,
                presigned(PRESIGNED_QUERY.replace("X-Amz-Expires=86400", "X-Amz-Expires=604801")));
        assertTrue(week.getMessage().contains("604800"));
        fails("AccessDenied", 403, verifier,
                presigned(PRESIGNED_QUERY.replace("X-Amz-Expires=86400", "X-Amz-Expires=-7")));
    }

    @Test
    void presignedUrlIsExpiredAtExactlyDatePlusExpires() {
        AuthException e = fails("AccessDenied", 403, S3Examples.verifier(TIME.plusSeconds(86400)),
                presigned(PRESIGNED_QUERY));
        assertEquals("Request has expired", e.getMessage());
        S3Examples.verifier(TIME.plusSeconds(86399)).verify(presigned(PRESIGNED_QUERY));
    }

    @Test
    void presignedUrlWithAuthorizationHeaderTooIsInvalidArgument() {
        SigV4Request request = SigV4Request.of("GET", "/test.txt?" + PRESIGNED_QUERY,
                headers("Host", "examplebucket.s3.amazonaws.com", "Authorization", "AWS4-HMAC-SHA256 x"));
        fails("InvalidArgument", 400, S3Examples.verifier(TIME), request);
    }

    // ---- header errors --------------------------------------------------------------------------------------

    @Test
    void clockSkewOverFifteenMinutesIsRequestTimeTooSkewed() {
        fails("RequestTimeTooSkewed", 403, S3Examples.verifier(TIME.plus(Duration.ofMinutes(15)).plusSeconds(1)),
                S3Examples.getObject(GET_SIGNATURE));
        fails("RequestTimeTooSkewed", 403, S3Examples.verifier(TIME.minus(Duration.ofMinutes(16))),
                S3Examples.getObject(GET_SIGNATURE));
        // Exactly fifteen minutes is still accepted.
        S3Examples.verifier(TIME.plus(Duration.ofMinutes(15))).verify(S3Examples.getObject(GET_SIGNATURE));
    }

    @Test
    void unknownAccessKeyIsInvalidAccessKeyId() {
        SigV4Verifier verifier = new SigV4Verifier(k -> java.util.Optional.empty(), "us-east-1",
                java.time.Clock.fixed(TIME, java.time.ZoneOffset.UTC));
        fails("InvalidAccessKeyId", 403, verifier, S3Examples.getObject(GET_SIGNATURE));
    }

    @Test
    void wrongRegionIsAuthorizationHeaderMalformedNamingBothRegions() {
        SigV4Verifier verifier = new SigV4Verifier(S3Examples.CREDENTIALS, "eu-central-1",
                java.time.Clock.fixed(TIME, java.time.ZoneOffset.UTC));
        AuthException e = fails("AuthorizationHeaderMalformed", 400, verifier, S3Examples.getObject(GET_SIGNATURE));
        assertTrue(e.getMessage().contains("'us-east-1' is wrong; expecting 'eu-central-1'"), e.getMessage());
    }

    private static SigV4Request withAuthorization(String authorization) {
        return SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                "x-amz-content-sha256", S3Examples.EMPTY_SHA, "x-amz-date", "20130524T000000Z",
                "Authorization", authorization));
    }

    @Test
    void malformedAuthorizationHeadersAreRejectedStrictly() {
        SigV4Verifier verifier = S3Examples.verifier(TIME);
        String cred = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
        String sh = "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date";
        String sig = "Signature=" + GET_SIGNATURE;
        for (String bad : new String[] {
                "AWS4-HMAC-SHA256 " + cred + "," + sh,
                "AWS4-HMAC-SHA256 " + cred + "," + sh + "," + sig + ",Extra=1",
                "AWS4-HMAC-SHA256 " + cred + "," + cred + "," + sh + "," + sig,
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3," + sh + "," + sig,
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2013-05-24/us-east-1/s3/aws4_request," + sh + ","
                        + sig,
                "AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=host;;x-amz-date," + sig,
                "AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature=xyz",
                "AWS4-HMAC-SHA256 " + cred + "," + sh + ",Signature=" + GET_SIGNATURE.toUpperCase(),
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/iam/aws4_request," + sh + ","
                        + sig,
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130523/us-east-1/s3/aws4_request," + sh + ","
                        + sig}) {
            fails("AuthorizationHeaderMalformed", 400, verifier, withAuthorization(bad));
        }
    }

    @Test
    void unsignedTimestampIsRejected() {
        // Correctly signed over host and range only, so x-amz-date could be swapped by a replayer.
        byte[] key = SigningKeyCache.derive(S3Examples.SECRET, "20130524", "us-east-1", "s3");
        SigV4Request unsigned = SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                "Range", "bytes=0-9", "x-amz-content-sha256", S3Examples.EMPTY_SHA, "x-amz-date", "20130524T000000Z"));
        String canonical = CanonicalRequest.build("GET", "/test.txt", "", unsigned, List.of("host", "range"),
                "host;range", S3Examples.EMPTY_SHA);
        String signature = SigningCrypto.hmacHex(key, CanonicalRequest.stringToSign("20130524T000000Z",
                "20130524/us-east-1/s3/aws4_request", canonical));
        SigV4Request request = SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                "Range", "bytes=0-9", "x-amz-content-sha256", S3Examples.EMPTY_SHA, "x-amz-date", "20130524T000000Z",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;range,Signature=" + signature));
        AuthException e = fails("AuthorizationHeaderMalformed", 400, S3Examples.verifier(TIME), request);
        assertTrue(e.getMessage().contains("x-amz-date"), e.getMessage());
    }

    @Test
    void unknownAuthorizationSchemeIsInvalidArgument() {
        fails("InvalidArgument", 400, S3Examples.verifier(TIME), withAuthorization("Bearer abc"));
    }

    @Test
    void missingDateOrContentHashIsRejected() {
        String authorization = S3Examples.getObject(GET_SIGNATURE).header("authorization");
        AuthException noDate = fails("AccessDenied", 403, S3Examples.verifier(TIME),
                SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                        "x-amz-content-sha256", S3Examples.EMPTY_SHA, "Authorization", authorization)));
        assertTrue(noDate.getMessage().contains("x-amz-date"));
        fails("InvalidRequest", 400, S3Examples.verifier(TIME),
                SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                        "x-amz-date", "20130524T000000Z", "Authorization", authorization)));
        fails("InvalidArgument", 400, S3Examples.verifier(TIME),
                SigV4Request.of("GET", "/test.txt", headers("Host", "examplebucket.s3.amazonaws.com",
                        "x-amz-date", "20130524T000000Z", "x-amz-content-sha256", "NOT-A-HASH",
                        "Authorization", authorization)));
    }

    // ---- anonymous ------------------------------------------------------------------------------------------

    @Test
    void requestWithoutAuthenticationIsAnonymous() {
        AuthResult result = S3Examples.verifier(TIME).verify(
                SigV4Request.of("GET", "/bucket/key?x=1", headers("Host", "localhost")));
        assertTrue(result.isAnonymous());
        assertNull(result.accessKey());
        assertEquals(PayloadMode.UNSIGNED, result.payloadMode());
    }

    @Test
    void anonymousStreamingUnsignedTrailerIsAllowedButSignedStreamingIsNot() {
        AuthResult result = S3Examples.verifier(TIME).verify(SigV4Request.of("PUT", "/b/k", headers("Host", "h",
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")));
        assertEquals(PayloadMode.STREAMING_UNSIGNED_TRAILER, result.payloadMode());
        fails("InvalidRequest", 400, S3Examples.verifier(TIME), SigV4Request.of("PUT", "/b/k",
                headers("Host", "h", "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")));
    }

    @Test
    void amzDateParsingRejectsImpossibleDates() {
        assertEquals(Instant.parse("2013-05-24T00:00:00Z"), SigV4Verifier.parseAmzDate("20130524T000000Z"));
        assertNull(SigV4Verifier.parseAmzDate("20130230T000000Z"));
        assertNull(SigV4Verifier.parseAmzDate("20130524T250000Z"));
        assertNull(SigV4Verifier.parseAmzDate("2013-05-24T00:00:00Z"));
        assertNull(SigV4Verifier.parseAmzDate("20130524T000000"));
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertTrue(!new Credentials("AK", "supersecret").toString().contains("supersecret"));
    }
}
