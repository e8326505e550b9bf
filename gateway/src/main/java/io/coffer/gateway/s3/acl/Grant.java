package io.coffer.gateway.s3.acl;

/** One ACL entry. */
public record Grant(Grantee grantee, Permission permission) {
    public Grant {
        if (grantee == null || permission == null) {
            throw new IllegalArgumentException("grantee and permission are required");
        }
    }

    public static Grant user(String id, Permission p) {
        return new Grant(new Grantee.CanonicalUser(id), p);
    }

    public static Grant group(String uri, Permission p) {
        return new Grant(new Grantee.Group(uri), p);
    }
}
