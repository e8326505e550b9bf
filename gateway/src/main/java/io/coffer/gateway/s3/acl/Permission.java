package io.coffer.gateway.s3.acl;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;

/**
 * S3's ACL permissions. On a bucket READ lists it, WRITE creates, overwrites and deletes its
 * objects; on an object READ gets/heads it (object WRITE means nothing to S3: writes are governed
 * by the bucket). READ_ACP/WRITE_ACP read and replace the ACL itself; FULL_CONTROL is all four.
 */
public enum Permission {
    READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL;

    /** Whether a grant of this permission allows {@code wanted}. */
    public boolean covers(Permission wanted) {
        return this == wanted || this == FULL_CONTROL;
    }

    /** The permission named in an AccessControlPolicy; anything else is MalformedACLError. */
    public static Permission parse(String value, String resource) {
        if (value != null) {
            for (Permission p : values()) {
                if (p.name().equals(value.trim())) {
                    return p;
                }
            }
        }
        throw new S3Exception(S3Error.MALFORMED_ACL, resource);
    }
}
