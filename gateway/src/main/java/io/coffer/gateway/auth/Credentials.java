package io.coffer.gateway.auth;

import java.util.Objects;

/** An access key and its secret. {@link #toString()} never shows the secret. */
public record Credentials(String accessKey, String secretKey) {

    public Credentials {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (accessKey.isEmpty() || secretKey.isEmpty()) {
            throw new IllegalArgumentException("access key and secret must be non-empty");
        }
    }

    @Override
    public String toString() {
        return "Credentials[accessKey=" + accessKey + ", secretKey=<redacted>]";
    }
}
