package io.coffer.gateway.user;

/**
 * An authenticated principal. {@code id} is the canonical user id S3 shows as {@code Owner/ID}
 * (64 hex digits); {@code accessKey} is the key the request was signed with. The secret never
 * appears here.
 */
public record User(String id, String displayName, String accessKey, boolean root) {
    /**
     * Whoever sent an unsigned request. S3 shows this canonical id as the owner of what anonymous
     * writes create; ACLs grant it access only through the AllUsers group.
     */
    public static final User ANONYMOUS = new User("65a011a29cdf8ec533ec3d1ccaae921c", "anonymous", "", false);

    public User {
        if (id == null || id.isEmpty() || displayName == null || accessKey == null) {
            throw new IllegalArgumentException("id, displayName and accessKey are required");
        }
    }

    /** Whether this is {@link #ANONYMOUS} (an unsigned request). */
    public boolean anonymous() {
        return this == ANONYMOUS || accessKey.isEmpty() && id.equals(ANONYMOUS.id);
    }
}
