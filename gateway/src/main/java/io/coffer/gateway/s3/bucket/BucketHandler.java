package io.coffer.gateway.s3.bucket;

import io.coffer.gateway.config.GatewayConfig;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Errors;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.user.User;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
 * Get/PutBucketVersioning and Get/PutBucketAcl.
 */
@Singleton
public final class BucketHandler implements S3Handler {
    private static final int SMALL_XML = 64 * 1024;
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+|EU");
    private static final String OWNERSHIPS = "BucketOwnerEnforced BucketOwnerPreferred ObjectWriter";

    /** Uploads aborted per listUploads round trip when a bucket is deleted. */
    private static final int UPLOAD_BATCH = 1000;

    private final Shard shard;
    private final BucketAccess access;
    private final String region;

    public BucketHandler(Shard shard, BucketAccess access, GatewayConfig config) {
        this.shard = shard;
        this.access = access;
        this.region = config.getRegion();
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        return switch (req.operation()) {
            case LIST_BUCKETS -> listBuckets(req);
            case CREATE_BUCKET -> createBucket(req);
            case HEAD_BUCKET -> access.require(req).map(b -> S3Response.ok()
                    .header("x-amz-bucket-region", regionOf(b))
                    .header("x-amz-access-point-alias", "false"));
            case DELETE_BUCKET -> deleteBucket(req);
            case GET_BUCKET_LOCATION -> access.require(req).map(b -> {
                String r = regionOf(b);
                // S3 answers an empty LocationConstraint for us-east-1
                return S3Response.xml(S3Xml.document("LocationConstraint")
                        .text("us-east-1".equals(r) ? "" : r).toXml());
            });
            case GET_BUCKET_VERSIONING -> access.require(req).map(b -> {
                S3Xml x = S3Xml.document("VersioningConfiguration");
                if (!b.versioning().isEmpty()) {
                    x.element("Status", b.versioning());
                }
                return S3Response.xml(x.toXml());
            });
            case PUT_BUCKET_VERSIONING -> putVersioning(req);
            case GET_BUCKET_ACL -> access.require(req).map(b -> S3Response.xml(
                    CannedAcl.fromStored(b.attributes().get(BucketAccess.ACL))
                            .toXml(BucketAccess.ownerId(b), BucketAccess.ownerName(b))));
            case PUT_BUCKET_ACL -> putAcl(req);
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    // ---- ListBuckets -------------------------------------------------------------------------

    private Mono<S3Response> listBuckets(S3Request req) {
        User user = req.user();
        String prefix = req.query("prefix") == null ? "" : req.query("prefix");
        int max = parseMaxBuckets(req.query("max-buckets"), req.resource());
        String after = decodeToken(req.query("continuation-token"), req.resource());
        return shard.listBuckets()
                .filter(b -> BucketAccess.mayAccess(user, b))
                .filter(b -> b.name().startsWith(prefix))
                .filter(b -> after == null || b.name().compareTo(after) > 0)
                .sort((a, b) -> a.name().compareTo(b.name()))
                .take(max + 1L)
                .collectList()
                .map(list -> {
                    boolean truncated = list.size() > max;
                    List<BucketInfo> page = truncated ? list.subList(0, max) : list;
                    S3Xml x = S3Xml.document("ListAllMyBucketsResult");
                    x.start("Owner").element("ID", user.id()).element("DisplayName", user.displayName()).end();
                    x.start("Buckets");
                    for (BucketInfo b : page) {
                        x.start("Bucket").element("Name", b.name()).timestamp("CreationDate", b.createdMillis())
                                .element("BucketRegion", regionOf(b)).end();
                    }
                    x.end();
                    if (truncated) {
                        x.element("ContinuationToken", encodeToken(page.get(page.size() - 1).name()));
                    }
                    if (!prefix.isEmpty()) {
                        x.element("Prefix", prefix);
                    }
                    return S3Response.xml(x.toXml());
                });
    }

    private static int parseMaxBuckets(String v, String resource) {
        if (v == null) {
            return 10_000;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 10_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Argument max-buckets must be an integer between 1 and 10000");
    }

    static String encodeToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String token, String resource) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "The continuation token provided is incorrect");
        }
    }

    // ---- CreateBucket ------------------------------------------------------------------------

    private Mono<S3Response> createBucket(S3Request req) {
        String name = req.bucket();
        String resource = "/" + name;
        if (!BucketNames.isValid(name)) {
            return Mono.error(new S3Exception(S3Error.INVALID_BUCKET_NAME, resource));
        }
        CannedAcl acl;
        try {
            acl = CannedAcl.parse(req.header("x-amz-acl"), resource);
        } catch (S3Exception e) {
            return Mono.error(e);
        }
        if (hasExplicitGrants(req)) {
            return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, resource,
                    "x-amz-grant-* headers are not implemented; use a canned ACL (x-amz-acl)"));
        }
        if ("true".equalsIgnoreCase(req.header("x-amz-bucket-object-lock-enabled"))) {
            return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, resource, "Object Lock is not implemented yet"));
        }
        String ownership = req.header("x-amz-object-ownership");
        if (ownership != null && !OWNERSHIPS.contains(ownership.trim())) {
            return Mono.error(new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Invalid x-amz-object-ownership header"));
        }
        User user = req.user();
        return S3XmlReader.readBody(req, SMALL_XML)
                .map(body -> locationConstraint(body, resource))
                .flatMap(location -> {
                    Map<String, String> attrs = new HashMap<>();
                    attrs.put(BucketAccess.OWNER, user.id());
                    attrs.put(BucketAccess.OWNER_NAME, user.displayName());
                    attrs.put(BucketAccess.ACL, acl.header());
                    if (ownership != null) {
                        attrs.put(BucketAccess.OBJECT_OWNERSHIP, ownership.trim());
                    }
                    BucketInfo info = new BucketInfo(name, System.currentTimeMillis(), location, "", attrs);
                    return shard.createBucket(info);
                })
                .map(b -> S3Response.ok().header("Location", "/" + name))
                .onErrorResume(ShardException.class, e -> {
                    if (e.code() != ShardException.Code.BUCKET_EXISTS) {
                        return Mono.error(S3Errors.fromShard(e, resource));
                    }
                    return shard.getBucket(name).flatMap(existing -> Mono.error(new S3Exception(
                            existing.isPresent() && user.id().equals(BucketAccess.ownerId(existing.get()))
                                    ? S3Error.BUCKET_ALREADY_OWNED_BY_YOU : S3Error.BUCKET_ALREADY_EXISTS,
                            resource)));
                });
    }

    /**
     * The region a CreateBucketConfiguration asks for. No body or no constraint means this gateway's
     * region; a constraint naming this region is accepted; another valid region name is
     * IllegalLocationConstraintException (this endpoint serves one region), a malformed one
     * InvalidLocationConstraint.
     */
    private String locationConstraint(byte[] body, String resource) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return region;
        }
        Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "CreateBucketConfiguration", resource);
        String constraint = S3XmlReader.childText(root, "LocationConstraint");
        if (constraint == null || constraint.isEmpty()) {
            return region;
        }
        if (constraint.equals(region)) {
            return region;
        }
        if (!REGION.matcher(constraint).matches()) {
            throw new S3Exception(S3Error.INVALID_LOCATION_CONSTRAINT, resource);
        }
        throw new S3Exception(S3Error.ILLEGAL_LOCATION_CONSTRAINT, resource, "The " + constraint
                + " location constraint is incompatible for the region specific endpoint this request was sent to.");
    }

    private static boolean hasExplicitGrants(S3Request req) {
        for (String h : new String[] {"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
                "x-amz-grant-write-acp", "x-amz-grant-full-control"}) {
            if (req.header(h) != null) {
                return true;
            }
        }
        return false;
    }

    // ---- DeleteBucket ------------------------------------------------------------------------

    /**
     * S3 deletes a bucket whose only contents are unfinished multipart uploads (they go with it);
     * the shard refuses to drop a bucket with open uploads, so once no object version remains the
     * gateway aborts the leftover uploads first. A version written meanwhile still makes the shard
     * answer BucketNotEmpty.
     */
    private Mono<S3Response> deleteBucket(S3Request req) {
        String resource = "/" + req.bucket();
        return access.require(req)
                .flatMap(b -> shard.list(new ListRequest(b.name(), "", "", null, "", 1, true))
                        .flatMap(page -> page.entries().isEmpty()
                                ? abortAllUploads(b.name())
                                : Mono.error(new S3Exception(S3Error.BUCKET_NOT_EMPTY, resource)))
                        .then(shard.deleteBucket(b.name())))
                .then(Mono.fromSupplier(S3Response::noContent))
                .onErrorMap(ShardException.class, e -> S3Errors.fromShard(e, resource));
    }

    private Mono<Void> abortAllUploads(String bucket) {
        return shard.listUploads(bucket, "", "", "", UPLOAD_BATCH)
                .flatMap(uploads -> uploads.isEmpty() ? Mono.<Void>empty()
                        : Flux.fromIterable(uploads)
                                .concatMap(u -> shard.abortUpload(bucket, u.key(), u.uploadId())
                                        .onErrorResume(ShardException.class, e ->
                                                e.code() == ShardException.Code.NO_SUCH_UPLOAD
                                                        ? Mono.empty() : Mono.error(e)))
                                .then(uploads.size() < UPLOAD_BATCH ? Mono.<Void>empty() : abortAllUploads(bucket)));
    }

    // ---- versioning --------------------------------------------------------------------------

    /**
     * Suspended is stored (it behaves exactly like never-enabled for writes: "null" versions);
     * Enabled answers NotImplemented until object versioning lands.
     */
    private Mono<S3Response> putVersioning(S3Request req) {
        String resource = "/" + req.bucket();
        return access.require(req).flatMap(b -> S3XmlReader.readBody(req, SMALL_XML).flatMap(body -> {
            Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "VersioningConfiguration", resource);
            String status = S3XmlReader.childText(root, "Status");
            String mfa = S3XmlReader.childText(root, "MfaDelete");
            if (mfa != null && !mfa.equals("Disabled")) {
                throw new S3Exception(S3Error.NOT_IMPLEMENTED, resource, "MFA Delete is not implemented");
            }
            if (status == null) {
                return Mono.just(S3Response.ok());
            }
            return switch (status) {
                case "Suspended" -> b.versioning().isEmpty() || b.versioning().equals("Suspended")
                        ? shard.updateBucket(b.withVersioning("Suspended")).thenReturn(S3Response.ok())
                        : Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, resource));
                case "Enabled" -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, resource,
                        "Bucket versioning is not implemented yet"));
                default -> Mono.error(new S3Exception(S3Error.ILLEGAL_VERSIONING_CONFIGURATION, resource));
            };
        }));
    }

    // ---- ACL ---------------------------------------------------------------------------------

    private Mono<S3Response> putAcl(S3Request req) {
        String resource = "/" + req.bucket();
        String header = req.header("x-amz-acl");
        if (hasExplicitGrants(req)) {
            return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, resource,
                    "x-amz-grant-* headers are not implemented; use a canned ACL (x-amz-acl)"));
        }
        return access.require(req).flatMap(b -> S3XmlReader.readBody(req, SMALL_XML).flatMap(body -> {
            CannedAcl acl;
            boolean hasBody = body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank();
            if (header != null && hasBody) {
                throw new S3Exception(S3Error.UNEXPECTED_CONTENT, resource,
                        "This request does not support content with x-amz-acl");
            } else if (header != null) {
                acl = CannedAcl.parse(header, resource);
            } else if (hasBody) {
                acl = aclFromPolicy(body, BucketAccess.ownerId(b), resource);
            } else {
                throw new S3Exception(S3Error.MISSING_SECURITY_HEADER, resource,
                        "Your request was missing a required header: x-amz-acl or an AccessControlPolicy body");
            }
            Map<String, String> attrs = new HashMap<>(b.attributes());
            attrs.put(BucketAccess.ACL, acl.header());
            return shard.updateBucket(b.withAttributes(attrs)).thenReturn(S3Response.ok());
        }));
    }

    /** An AccessControlPolicy document, accepted when its grants are exactly those of a canned ACL. */
    static CannedAcl aclFromPolicy(byte[] body, String ownerId, String resource) {
        Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "AccessControlPolicy", resource);
        Set<CannedAcl.Grant> extra = new HashSet<>();
        boolean ownerFull = false;
        for (Element list : S3XmlReader.children(root, "AccessControlList")) {
            for (Element grant : S3XmlReader.children(list, "Grant")) {
                List<Element> grantees = S3XmlReader.children(grant, "Grantee");
                String perm = S3XmlReader.childText(grant, "Permission");
                if (grantees.isEmpty() || perm == null) {
                    throw new S3Exception(S3Error.MALFORMED_ACL, resource);
                }
                String id = S3XmlReader.childText(grantees.get(0), "ID");
                String uri = S3XmlReader.childText(grantees.get(0), "URI");
                if (id != null && id.equals(ownerId) && perm.equals("FULL_CONTROL")) {
                    ownerFull = true;
                } else if (uri != null) {
                    extra.add(new CannedAcl.Grant(null, uri, perm.toUpperCase(Locale.ROOT)));
                } else {
                    throw new S3Exception(S3Error.NOT_IMPLEMENTED, resource,
                            "ACL grants to other users are not implemented; use a canned ACL");
                }
            }
        }
        CannedAcl acl = ownerFull ? CannedAcl.matching(extra) : null;
        if (acl == null) {
            throw new S3Exception(S3Error.NOT_IMPLEMENTED, resource,
                    "Only ACLs equivalent to a canned ACL are implemented");
        }
        return acl;
    }

    private String regionOf(BucketInfo b) {
        return b.region().isEmpty() ? region : b.region();
    }
}
