package io.coffer.gateway.auth;

import java.util.Optional;

/**
 * Looks up the secret for an access key. Called on the request path (a Netty event loop), so it must not
 * block: the gateway backs it with an in-memory view of its user store.
 */
@FunctionalInterface
public interface CredentialsProvider {
    Optional<Credentials> lookup(String accessKey);
}
