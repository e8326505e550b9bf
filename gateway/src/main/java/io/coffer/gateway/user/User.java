package io.coffer.gateway.user;

/**
 * An authenticated principal. {@code id} is the canonical user id S3 shows as {@code Owner/ID}
 * (64 hex digits); {@code accessKey} is the key the request was signed with. The secret never
 * appears here.
 */
public record User(String id, String displayName, String accessKey, boolean root) {
    public User {
        if (id == null || id.isEmpty() || displayName == null || accessKey == null) {
            throw new IllegalArgumentException("id, displayName and accessKey are required");
        }
    }
}
