package io.coffer.gateway.auth;

import java.time.Clock;
import java.util.Objects;

/**
 * Verifies AWS Signature Version 4 on S3 requests: the Authorization header, presigned query parameters,
 * and anonymous requests (reported, not rejected: the gateway decides what anonymous may do). AWS
 * Signature Version 2 is rejected with InvalidRequest, as S3 does in regions launched after 2014.
 *
 * <p>Thread-safe; one instance serves the whole gateway. Derived signing keys are cached per
 * (secret, date, region), so a request costs one SHA-256 of the canonical request and one HMAC.
 */
public final class SigV4Verifier {

    private final CredentialsProvider credentials;
    private final String region;
    private final Clock clock;

    /**
     * @param region the region clients must sign for ("us-east-1")
     */
    public SigV4Verifier(CredentialsProvider credentials, String region, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Verifies the request's signature and reports who signed it and how its body is protected.
     *
     * @throws AuthException with the S3 error code when the request is not properly signed
     */
    public AuthResult verify(SigV4Request request) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
