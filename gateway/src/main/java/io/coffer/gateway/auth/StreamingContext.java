package io.coffer.gateway.auth;

import java.util.Objects;

/**
 * What the aws-chunked decoder needs to verify chunk signatures: the derived signing key, the request's
 * signature (the seed of the chain), the credential scope and the request timestamp. For
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER the key is still carried but no chunk signature is checked.
 *
 * @param signingKey    HMAC key derived from the secret for (date, region, "s3"); never log it
 * @param seedSignature hex signature of the request itself
 * @param scope         "20130524/us-east-1/s3/aws4_request"
 * @param amzDate       "20130524T000000Z"
 */
public record StreamingContext(byte[] signingKey, String seedSignature, String scope, String amzDate) {

    public StreamingContext {
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(seedSignature, "seedSignature");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(amzDate, "amzDate");
        signingKey = signingKey.clone();
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    byte[] signingKeyNoCopy() {
        return signingKey;
    }

    @Override
    public String toString() {
        return "StreamingContext[scope=" + scope + ", amzDate=" + amzDate + "]";
    }
}
