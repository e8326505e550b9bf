package io.coffer.gateway.s3.bucket;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Xml;
import java.util.Locale;
import java.util.Set;

/**
 * S3's canned ACLs and the grants each one stands for. Coffer stores the canned ACL and answers it
 * in Get*Acl, but enforces only ownership (see docs/decisions/bucket-acl-and-versioning.md).
 */
public enum CannedAcl {
    PRIVATE("private"),
    PUBLIC_READ("public-read"),
    PUBLIC_READ_WRITE("public-read-write"),
    AUTHENTICATED_READ("authenticated-read"),
    AWS_EXEC_READ("aws-exec-read"),
    BUCKET_OWNER_READ("bucket-owner-read"),
    BUCKET_OWNER_FULL_CONTROL("bucket-owner-full-control"),
    LOG_DELIVERY_WRITE("log-delivery-write");

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    private static final String XSI = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

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

    /** One grant: a canonical user (owner) or a group URI, and a permission. */
    public record Grant(String userId, String groupUri, String permission) {
    }

    /** The grants besides the owner's FULL_CONTROL, as S3 lists them for a bucket. */
    Set<Grant> extraGrants() {
        return switch (this) {
            case PUBLIC_READ -> Set.of(new Grant(null, ALL_USERS, "READ"));
            case PUBLIC_READ_WRITE -> Set.of(new Grant(null, ALL_USERS, "READ"), new Grant(null, ALL_USERS, "WRITE"));
            case AUTHENTICATED_READ -> Set.of(new Grant(null, AUTHENTICATED_USERS, "READ"));
            case LOG_DELIVERY_WRITE -> Set.of(new Grant(null, LOG_DELIVERY, "WRITE"), new Grant(null, LOG_DELIVERY, "READ_ACP"));
            default -> Set.of();
        };
    }

    /** The canned ACL whose grants are exactly these (besides owner FULL_CONTROL), or null if none is. */
    public static CannedAcl matching(Set<Grant> grantsBesidesOwner) {
        for (CannedAcl a : new CannedAcl[] {PRIVATE, PUBLIC_READ, PUBLIC_READ_WRITE, AUTHENTICATED_READ, LOG_DELIVERY_WRITE}) {
            if (a.extraGrants().equals(grantsBesidesOwner)) {
                return a;
            }
        }
        return null;
    }

    /** The full {@code AccessControlPolicy} document for this ACL. */
    public String toXml(String ownerId, String ownerName) {
        S3Xml x = S3Xml.document("AccessControlPolicy");
        x.start("Owner").element("ID", ownerId).element("DisplayName", ownerName).end();
        x.start("AccessControlList");
        x.start("Grant").start("Grantee", XSI + " xsi:type=\"CanonicalUser\"")
                .element("ID", ownerId).element("DisplayName", ownerName).end()
                .element("Permission", "FULL_CONTROL").end();
        for (String perm : new String[] {"READ", "WRITE", "READ_ACP"}) {
            for (Grant g : extraGrants()) {
                if (g.permission().equals(perm)) {
                    x.start("Grant").start("Grantee", XSI + " xsi:type=\"Group\"").element("URI", g.groupUri()).end()
                            .element("Permission", g.permission()).end();
                }
            }
        }
        x.end();
        return x.toXml();
    }
}
