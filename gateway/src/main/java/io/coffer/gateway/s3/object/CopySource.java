package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;

/**
 * The {@code x-amz-copy-source} header: {@code [/]bucket/key[?versionId=id]}, URL-encoded.
 *
 * @param versionId null for the current version
 */
public record CopySource(String bucket, String key, String versionId) {

    public static CopySource parse(String header, String resource) {
        if (header == null || header.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String h = header.startsWith("/") ? header.substring(1) : header;
        String versionId = null;
        int q = h.indexOf('?');
        if (q >= 0) {
            String query = h.substring(q + 1);
            h = h.substring(0, q);
            for (String p : query.split("&")) {
                if (p.startsWith("versionId=")) {
                    versionId = ObjectHeaders.decodePath(p.substring("versionId=".length()));
                }
            }
        }
        int slash = h.indexOf('/');
        if (slash <= 0 || slash == h.length() - 1) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String bucket = ObjectHeaders.decodePath(h.substring(0, slash));
        String key = ObjectHeaders.decodePath(h.substring(slash + 1));
        return new CopySource(bucket, key, versionId);
    }

    /** The x-amz-copy-source-if-* conditions of a request. */
    static Preconditions conditions(io.coffer.gateway.s3.S3Request req) {
        return new Preconditions(req.header("x-amz-copy-source-if-match"), req.header("x-amz-copy-source-if-none-match"),
                req.header("x-amz-copy-source-if-modified-since"), req.header("x-amz-copy-source-if-unmodified-since"));
    }
}
