package io.coffer.gateway.auth;

import java.util.Objects;

/**
 * Outcome of a successful verification.
 *
 * @param method        how the request authenticated
 * @param accessKey     the verified access key; null when {@link AuthMethod#ANONYMOUS}
 * @param payloadMode   how the body is protected
 * @param payloadSha256 lower-case hex SHA-256 the client signed for the body when {@link PayloadMode#SIGNED},
 *                      else null; the gateway compares it with the body it receives
 * @param streaming     chunk-verification context when {@code payloadMode.isStreaming()}, else null
 */
public record AuthResult(AuthMethod method, String accessKey, PayloadMode payloadMode, String payloadSha256,
                         StreamingContext streaming) {

    public AuthResult {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(payloadMode, "payloadMode");
        if ((method == AuthMethod.ANONYMOUS) != (accessKey == null)) {
            throw new IllegalArgumentException("accessKey must be null exactly for anonymous requests");
        }
        if ((payloadMode == PayloadMode.SIGNED) != (payloadSha256 != null)) {
            throw new IllegalArgumentException("payloadSha256 is set exactly for SIGNED payloads");
        }
        if (payloadMode.hasChunkSignatures() && streaming == null) {
            throw new IllegalArgumentException("signed streaming payload needs a streaming context");
        }
    }

    public boolean isAnonymous() {
        return method == AuthMethod.ANONYMOUS;
    }
}
