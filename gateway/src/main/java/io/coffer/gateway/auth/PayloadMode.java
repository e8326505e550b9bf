package io.coffer.gateway.auth;

/** How the request body is protected, from x-amz-content-sha256 (or the presigned URL). */
public enum PayloadMode {
    /** UNSIGNED-PAYLOAD, presigned URLs and anonymous requests: the body is not covered by the signature. */
    UNSIGNED,
    /** A hex SHA-256 of the whole body was signed; the gateway must compare it (XAmzContentSHA256Mismatch). */
    SIGNED,
    /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked with a signature per chunk. */
    STREAMING_SIGNED,
    /** STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, no chunk signatures, x-amz-checksum-* trailer. */
    STREAMING_UNSIGNED_TRAILER,
    /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks plus a signed trailer. */
    STREAMING_SIGNED_TRAILER;

    /** True when the body is aws-chunked and must go through {@link AwsChunkedDecoder}. */
    public boolean isStreaming() {
        return this == STREAMING_SIGNED || this == STREAMING_UNSIGNED_TRAILER || this == STREAMING_SIGNED_TRAILER;
    }

    /** True when chunks carry signatures chained from the seed signature. */
    public boolean hasChunkSignatures() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER;
    }

    /** True when the aws-chunked body ends with trailer headers. */
    public boolean hasTrailer() {
        return this == STREAMING_UNSIGNED_TRAILER || this == STREAMING_SIGNED_TRAILER;
    }
}
