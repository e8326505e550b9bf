package io.coffer.gateway.s3.acl;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** S3's canned ACLs (x-amz-acl) and the grants each one stands for. */
public enum CannedAcl {
    PRIVATE("private"),
    PUBLIC_READ("public-read"),
    PUBLIC_READ_WRITE("public-read-write"),
    AUTHENTICATED_READ("authenticated-read"),
    AWS_EXEC_READ("aws-exec-read"),
    BUCKET_OWNER_READ("bucket-owner-read"),
    BUCKET_OWNER_FULL_CONTROL("bucket-owner-full-control"),
    LOG_DELIVERY_WRITE("log-delivery-write");

    private final String header;

    CannedAcl(String header) {
        this.header = header;
    }

    /** The x-amz-acl value, e.g. {@code public-read}. */
    public String header() {
        return header;
    }

    /** Parses an x-amz-acl value; null/blank is private; anything unknown is InvalidArgument. */
    public static CannedAcl parse(String value, String resource) {
        if (value == null || value.isBlank()) {
            return PRIVATE;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (CannedAcl a : values()) {
            if (a.header.equals(v)) {
                return a;
            }
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid canned ACL: " + value);
    }

    /** The stored attribute value back to the enum (unknown or absent: private). */
    public static CannedAcl fromStored(String value) {
        for (CannedAcl a : values()) {
            if (a.header.equals(value)) {
                return a;
            }
        }
        return PRIVATE;
    }

    /**
     * The grants this canned ACL gives, owner first. {@code bucketOwnerId} matters only for the
     * bucket-owner-* ACLs of an object written by someone else; on a bucket (owner == bucket owner)
     * they amount to private. aws-exec-read's grant to EC2 has no Coffer counterpart, so it is private too.
     */
    public List<Grant> grants(String ownerId, String bucketOwnerId) {
        List<Grant> g = new ArrayList<>();
        if (!ownerId.isEmpty()) {
            g.add(Grant.user(ownerId, Permission.FULL_CONTROL));
        }
        boolean otherBucketOwner = bucketOwnerId != null && !bucketOwnerId.isEmpty() && !bucketOwnerId.equals(ownerId);
        switch (this) {
            case PUBLIC_READ -> g.add(Grant.group(Grantee.ALL_USERS, Permission.READ));
            case PUBLIC_READ_WRITE -> {
                g.add(Grant.group(Grantee.ALL_USERS, Permission.READ));
                g.add(Grant.group(Grantee.ALL_USERS, Permission.WRITE));
            }
            case AUTHENTICATED_READ -> g.add(Grant.group(Grantee.AUTHENTICATED_USERS, Permission.READ));
            case LOG_DELIVERY_WRITE -> {
                g.add(Grant.group(Grantee.LOG_DELIVERY, Permission.WRITE));
                g.add(Grant.group(Grantee.LOG_DELIVERY, Permission.READ_ACP));
            }
            case BUCKET_OWNER_READ -> {
                if (otherBucketOwner) {
                    g.add(Grant.user(bucketOwnerId, Permission.READ));
                }
            }
            case BUCKET_OWNER_FULL_CONTROL -> {
                if (otherBucketOwner) {
                    g.add(Grant.user(bucketOwnerId, Permission.FULL_CONTROL));
                }
            }
            default -> { }
        }
        return g;
    }
}
