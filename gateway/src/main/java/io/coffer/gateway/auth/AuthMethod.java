package io.coffer.gateway.auth;

/** How a request authenticated. */
public enum AuthMethod {
    /** No Authorization header and no signature in the query: the gateway decides what anonymous may do. */
    ANONYMOUS,
    /** Authorization: AWS4-HMAC-SHA256 header. */
    HEADER,
    /** X-Amz-Algorithm=AWS4-HMAC-SHA256 query parameters (presigned URL). */
    PRESIGNED
}
