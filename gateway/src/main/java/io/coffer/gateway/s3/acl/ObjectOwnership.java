package io.coffer.gateway.s3.acl;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;

/**
 * A bucket's object ownership control. Without one a bucket behaves as {@link #OBJECT_WRITER} (what
 * S3 did before 2023 and what s3-tests expect): the writer owns what it writes.
 */
public enum ObjectOwnership {
    /** ACLs are disabled: the bucket owner owns every object, whoever wrote it, and only it has access. */
    BUCKET_OWNER_ENFORCED("BucketOwnerEnforced"),
    /** Objects written with the bucket-owner-full-control ACL belong to the bucket owner. */
    BUCKET_OWNER_PREFERRED("BucketOwnerPreferred"),
    /** The writer owns the object. */
    OBJECT_WRITER("ObjectWriter");

    private final String value;

    ObjectOwnership(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The stored attribute or header value; null stays null (no ownership control). */
    public static ObjectOwnership fromValue(String v) {
        if (v == null) {
            return null;
        }
        for (ObjectOwnership o : values()) {
            if (o.value.equals(v.trim())) {
                return o;
            }
        }
        return null;
    }

    /** A value a client sent; anything unknown is InvalidArgument. */
    public static ObjectOwnership parse(String v, String resource) {
        ObjectOwnership o = fromValue(v);
        if (o == null) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid x-amz-object-ownership header: " + v);
        }
        return o;
    }
}
