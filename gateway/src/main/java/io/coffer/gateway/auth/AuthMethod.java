package io.coffer.gateway.auth;

/** How a request authenticated. */
public enum AuthMethod {
    /** No Authorization header and no signature in the query: the gateway decides what anonymous may do. */
    ANONYMOUS,
    /** Authorization: AWS4-HMAC-SHA256 header. */
    HEADER,
    /** X-Amz-Algorithm=AWS4-HMAC-SHA256 query parameters (presigned URL). */
    PRESIGNED,
    /**
     * A browser-based upload form (POST Object) whose policy is signed, with SigV4 form fields or the
     * legacy AWSAccessKeyId/signature pair; the caller still checks the policy with {@link PostPolicy}.
     */
    POST_POLICY
}
