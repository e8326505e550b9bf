package io.coffer.shard.api;

/**
 * An open multipart upload. {@code state} is gateway-owned opaque bytes (wrapped data key, content
 * id, the headers given at CreateMultipartUpload ...), signed by the gateway like a manifest.
 */
public record MultipartUpload(String bucket, String key, String uploadId, long initiatedMillis, byte[] state) {
    public MultipartUpload {
        if (bucket == null || key == null || uploadId == null || uploadId.isEmpty()) {
            throw new IllegalArgumentException("bucket, key and uploadId are required");
        }
        state = state == null ? new byte[0] : state;
    }
}
