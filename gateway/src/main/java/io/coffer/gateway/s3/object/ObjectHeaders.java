package io.coffer.gateway.s3.object;

import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.gateway.checksum.BodyDigestResult;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.acl.AccessControlList;
import io.coffer.gateway.s3.acl.AclRequests;
import io.coffer.gateway.s3.acl.Grant;
import io.coffer.gateway.s3.acl.Grantee;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.gateway.store.BodyChecks;
import io.coffer.gateway.store.ObjectMetadata;
import io.coffer.gateway.store.StoredObject;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Object headers in both directions: what a write request sets (metadata, SSE-C, checksums,
 * conditions) and what GET/HEAD answer (metadata, encryption, checksums, response-* overrides).
 */
public final class ObjectHeaders {
    /** Stored response headers a PUT may set, besides Content-Type and x-amz-meta-*. */
    static final List<String> STORED = List.of("cache-control", "content-disposition", "content-encoding",
            "content-language", "expires", "x-amz-website-redirect-location", "x-amz-storage-class");
    static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA",
            "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS",
            "EXPRESS_ONEZONE", "SNOW");
    static final Set<String> CANNED_ACLS = Set.of("private", "public-read", "public-read-write",
            "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control");
    /** Where the object's canned ACL and owner live in the manifest's header map (never sent as is). */
    static final String ACL = "x-amz-acl";
    static final String OWNER_ID = "x-coffer-owner-id";
    static final String OWNER_NAME = "x-coffer-owner-name";
    /** S3's limit on user metadata (names + values) in a PUT request. */
    static final int MAX_METADATA_BYTES = 2048;
    public static final long MAX_OBJECT_SIZE = 5L << 30;

    private ObjectHeaders() {
    }

    /** S3's limit on key length: 1024 bytes of UTF-8. */
    public static final int MAX_KEY_BYTES = 1024;

    /** KeyTooLongError for a key S3 would refuse to create. */
    public static void checkKeyLength(S3Request req) {
        if (req.key() != null && req.key().getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3Error.KEY_TOO_LONG, req.resource());
        }
    }

    /** Content-Type, x-amz-meta-*, the stored headers, canned ACL, owner and x-amz-tagging of a write. */
    public static ObjectMetadata metadata(S3Request req) {
        HttpHeaders h = req.headers();
        Map<String, String> user = new LinkedHashMap<>();
        int metaBytes = 0;
        for (Map.Entry<String, String> e : h) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-meta-")) {
                String k = name.substring("x-amz-meta-".length());
                user.merge(k, e.getValue(), (a, b) -> a + "," + b);
                metaBytes += k.length() + e.getValue().length();
            }
        }
        if (metaBytes > MAX_METADATA_BYTES) {
            throw new S3Exception(S3Error.METADATA_TOO_LARGE, req.resource());
        }
        Map<String, String> stored = new LinkedHashMap<>();
        for (String name : STORED) {
            String v = h.get(name);
            if (v != null) {
                stored.put(name, v);
            }
        }
        String encoding = stored.get("content-encoding");
        if (encoding != null) {
            // aws-chunked describes the transfer, not the object: S3 does not store it
            String kept = io.coffer.gateway.auth.AwsChunkedDecoder.storedContentEncoding(encoding);
            if (kept == null) {
                stored.remove("content-encoding");
            } else {
                stored.put("content-encoding", kept);
            }
        }
        String storageClass = stored.get("x-amz-storage-class");
        if (storageClass != null && !STORAGE_CLASSES.contains(storageClass)) {
            throw new S3Exception(S3Error.INVALID_STORAGE_CLASS, req.resource());
        }
        String acl = cannedAcl(req);
        if (acl != null) {
            stored.put(ACL, acl);
        }
        if (req.user() != null) {
            stored.put(OWNER_ID, req.user().id());
            stored.put(OWNER_NAME, req.user().displayName());
        }
        grants(req, stored);
        String tagging = h.get("x-amz-tagging");
        Map<String, String> tags = tagging == null ? Map.of() : Tags.fromQuery(tagging, req.resource());
        String contentType = h.get("content-type");
        return new ObjectMetadata(contentType == null ? "" : contentType, user, stored, tags);
    }

    /**
     * The x-amz-grant-* headers of a write into stored headers (explicit grants replace the canned ACL);
     * without them any stored grants go. BucketAccess has checked that the grantees exist.
     */
    static void grants(S3Request req, Map<String, String> stored) {
        List<Grant> grants = AclRequests.grantHeaders(req);
        if (grants == null) {
            stored.remove(BucketAccess.OBJECT_GRANTS);
        } else {
            if (grants.stream().anyMatch(g -> g.grantee() instanceof Grantee.Email)) {
                // Coffer users have no e-mail address, so no e-mail grantee can resolve
                throw new S3Exception(S3Error.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS, req.resource());
            }
            stored.remove(ACL);
            stored.put(BucketAccess.OBJECT_GRANTS, AccessControlList.encode(grants));
        }
    }

    /** The x-amz-acl header checked against S3's canned ACLs, or null. */
    static String cannedAcl(S3Request req) {
        String acl = req.header("x-amz-acl");
        if (acl == null) {
            return null;
        }
        if (!CANNED_ACLS.contains(acl)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "Invalid canned ACL: " + acl);
        }
        return acl;
    }

    /** The SSE-C key of a request (prefix "x-amz-" for the object, "x-amz-copy-source-" for a copy source). */
    public static SseCustomerKey sseC(S3Request req, String prefix) {
        String algorithm = req.header(prefix + "server-side-encryption-customer-algorithm");
        String key = req.header(prefix + "server-side-encryption-customer-key");
        String md5 = req.header(prefix + "server-side-encryption-customer-key-md5");
        if (algorithm == null && key == null && md5 == null) {
            return null;
        }
        if (algorithm == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.");
        }
        if (!"AES256".equals(algorithm)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "The encryption algorithm specified is not valid.");
        }
        if (key == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.");
        }
        if (md5 == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.");
        }
        try {
            return SseCustomerKey.of(key, md5);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "The calculated MD5 hash of the key did not match the hash that was provided.");
        }
    }

    /**
     * SSE-C of the object itself; also refuses encryption kinds Coffer does not offer. SSE-S3 and
     * SSE-KMS ({@link ServerSideEncryption}) are accepted here: operations that create no object
     * (UploadPart) ignore them, as S3 does.
     */
    public static SseCustomerKey sseC(S3Request req) {
        String sse = req.header(ServerSideEncryption.HEADER);
        if (sse != null && !sse.equals(ServerSideEncryption.S3) && !sse.equals(ServerSideEncryption.KMS)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(), "The encryption method specified is not supported");
        }
        SseCustomerKey key = sseC(req, "x-amz-");
        if (key != null && sse != null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, req.resource(),
                    "Server Side Encryption with Customer provided key is incompatible with the encryption method specified");
        }
        return key;
    }

    /**
     * The checksum algorithm a write asks for: x-amz-sdk-checksum-algorithm / x-amz-checksum-algorithm,
     * an x-amz-checksum-* header, or the x-amz-trailer that will carry one; null for none.
     */
    public static ChecksumAlgorithm checksumAlgorithm(S3Request req) {
        ChecksumAlgorithm found = null;
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (req.header(a.headerName()) != null) {
                if (found != null) {
                    throw new S3Exception(S3Error.INVALID_REQUEST, req.resource(),
                            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
                }
                found = a;
            }
        }
        if (found != null) {
            return found;
        }
        String trailer = req.header("x-amz-trailer");
        if (trailer != null) {
            Optional<ChecksumAlgorithm> t = ChecksumAlgorithm.fromHeaderName(trailer);
            if (t.isPresent()) {
                return t.get();
            }
        }
        for (String name : List.of("x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm")) {
            String v = req.header(name);
            if (v != null) {
                return ChecksumAlgorithm.fromName(v).orElseThrow(() -> new S3Exception(S3Error.INVALID_REQUEST,
                        req.resource(), "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"));
            }
        }
        return null;
    }

    /** Everything the body of a PUT / UploadPart must match. */
    public static BodyChecks bodyChecks(S3Request req) {
        String md5 = req.header("content-md5");
        BodyDigestResult.checkContentMd5Syntax(md5);
        ChecksumAlgorithm algorithm = checksumAlgorithm(req);
        Mono<String> expected = Mono.empty();
        if (algorithm != null) {
            String header = req.header(algorithm.headerName());
            if (header != null) {
                expected = Mono.just(header);
            } else if (req.header("x-amz-trailer") != null) {
                expected = req.trailers().mapNotNull(t -> t.get(algorithm.headerName()));
            }
        }
        // a signed x-amz-content-sha256 is checked by the server for every request body
        return new BodyChecks(md5, algorithm, expected, null);
    }

    /** Unquoted ETag from a header value or XML element. */
    public static String unquote(String etag) {
        return Preconditions.unquote(etag);
    }

    // ---- responses ----

    /** The SSE headers S3 sends with an object: AES256, aws:kms and its key id, or the SSE-C algorithm and key MD5. */
    public static S3Response encryption(S3Response r, Manifest m) {
        return encryption(r, m.keyId(), m.sseCKeyMd5());
    }

    /** SSE headers for a data key wrapped under {@code wrappingKeyId} ({@code sseCKeyMd5} "" unless SSE-C). */
    public static S3Response encryption(S3Response r, String wrappingKeyId, String sseCKeyMd5) {
        String kmsKeyId = ServerSideEncryption.kmsKeyIdOf(wrappingKeyId);
        if (sseCKeyMd5 != null && !sseCKeyMd5.isEmpty()) {
            r.header("x-amz-server-side-encryption-customer-algorithm", "AES256");
            r.header("x-amz-server-side-encryption-customer-key-md5", sseCKeyMd5);
        } else if (kmsKeyId != null) {
            r.header(ServerSideEncryption.HEADER, ServerSideEncryption.KMS);
            r.header(ServerSideEncryption.KMS_KEY_ID_HEADER, kmsKeyId);
        } else {
            r.header(ServerSideEncryption.HEADER, ServerSideEncryption.S3);
        }
        return r;
    }

    /** SSE headers for a write, before there is a manifest. */
    public static S3Response encryption(S3Response r, SseCustomerKey sseC) {
        if (sseC != null) {
            r.header("x-amz-server-side-encryption-customer-algorithm", "AES256");
            r.header("x-amz-server-side-encryption-customer-key-md5", sseC.keyMd5Base64());
        } else {
            r.header("x-amz-server-side-encryption", "AES256");
        }
        return r;
    }

    /** x-amz-checksum-* (and its type) of a manifest. */
    public static S3Response checksums(S3Response r, Manifest m) {
        for (Map.Entry<String, String> e : m.checksums().entrySet()) {
            ChecksumAlgorithm.fromName(e.getKey()).ifPresent(a -> {
                r.header(a.headerName(), e.getValue());
                r.header("x-amz-checksum-type", e.getValue().contains("-") ? "COMPOSITE" : "FULL_OBJECT");
            });
        }
        return r;
    }

    /** x-amz-version-id when the object has a real version id. */
    public static S3Response versionId(S3Response r, String versionId) {
        if (versionId != null && !versionId.equals("null")) {
            r.header("x-amz-version-id", versionId);
        }
        return r;
    }

    /** {query parameter, header it overrides} for GET's response-* parameters. */
    private static final String[][] RESPONSE_OVERRIDES = {
        {"response-content-type", "content-type"}, {"response-content-language", "content-language"},
        {"response-expires", "expires"}, {"response-cache-control", "cache-control"},
        {"response-content-disposition", "content-disposition"}, {"response-content-encoding", "content-encoding"}};

    /** The headers GET and HEAD answer for an object (not the length or range). */
    static S3Response objectHeaders(S3Response r, S3Request req, StoredObject obj) {
        Manifest m = obj.manifest();
        r.etag(m.etag()).lastModified(m.lastModifiedMillis());
        r.header("Accept-Ranges", "bytes");
        r.header("Content-Type", m.contentType().isEmpty() ? "binary/octet-stream" : m.contentType());
        for (Map.Entry<String, String> e : m.headers().entrySet()) {
            String name = e.getKey();
            if (name.equals(ACL) || name.startsWith("x-coffer-")
                    || name.equals("x-amz-storage-class") && e.getValue().equals("STANDARD")) {
                continue;
            }
            r.header(name, e.getValue());
        }
        for (Map.Entry<String, String> e : m.userMetadata().entrySet()) {
            r.header("x-amz-meta-" + e.getKey(), e.getValue());
        }
        if (!m.tags().isEmpty()) {
            r.header("x-amz-tagging-count", m.tags().size());
        }
        versionId(r, m.versionId());
        encryption(r, m);
        // whole-object checksums describe whole-object bodies: S3 leaves them off ranged and part reads,
        // and clients that validate them (aws-cli) would reject a range
        if ("ENABLED".equalsIgnoreCase(req.header("x-amz-checksum-mode"))
                && req.header("Range") == null && req.query("partNumber") == null) {
            checksums(r, m);
        }
        if (!req.query().isEmpty()) {
            for (String[] override : RESPONSE_OVERRIDES) {
                String v = req.query(override[0]);
                if (v != null) {
                    r.header(override[1], v);
                }
            }
        }
        return r;
    }

    /** Decodes a percent-encoded path segment; '+' stays '+' (it is not a space in a path). */
    static String decodePath(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
