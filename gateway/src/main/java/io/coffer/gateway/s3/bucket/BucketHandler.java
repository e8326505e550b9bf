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
import io.coffer.gateway.s3.acl.AccessControlList;
import io.coffer.gateway.s3.acl.AclRequests;
import io.coffer.gateway.s3.acl.CannedAcl;
import io.coffer.gateway.s3.acl.Grant;
import io.coffer.gateway.s3.acl.ObjectOwnership;
import io.coffer.gateway.user.User;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
                    BucketAccess.bucketAcl(b).toXml(access.grantees()::displayName)));
            case PUT_BUCKET_ACL -> putAcl(req);
            case GET_BUCKET_OWNERSHIP_CONTROLS -> access.require(req).map(b -> {
                ObjectOwnership o = BucketAccess.ownership(b);
                if (o == null) {
                    throw new S3Exception(S3Error.OWNERSHIP_CONTROLS_NOT_FOUND_ERROR, "/" + b.name());
                }
                return S3Response.xml(S3Xml.document("OwnershipControls")
                        .start("Rule").element("ObjectOwnership", o.value()).end().toXml());
            });
            case PUT_BUCKET_OWNERSHIP_CONTROLS -> putOwnership(req);
            case DELETE_BUCKET_OWNERSHIP_CONTROLS -> access.require(req).flatMap(b -> {
                Map<String, String> attrs = new HashMap<>(b.attributes());
                attrs.remove(BucketAccess.OBJECT_OWNERSHIP);
                return shard.updateBucket(b.withAttributes(attrs)).thenReturn(S3Response.noContent());
            });
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    // ---- ListBuckets -------------------------------------------------------------------------

    private Mono<S3Response> listBuckets(S3Request req) {
        User user = req.user();
        if (user.anonymous()) {
            // S3 lists the signer's buckets; an unsigned ListBuckets has nobody to list for
            return Mono.error(new S3Exception(S3Error.ACCESS_DENIED, "/"));
        }
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
        User user = req.user();
        return Mono.defer(() -> {
            if (user.anonymous()) {
                throw new S3Exception(S3Error.ACCESS_DENIED, resource);
            }
            if (!BucketNames.isValid(name)) {
                throw new S3Exception(S3Error.INVALID_BUCKET_NAME, resource);
            }
            CannedAcl canned = CannedAcl.parse(req.header("x-amz-acl"), resource);
            List<Grant> grants = AclRequests.grantHeaders(req);
            if ("true".equalsIgnoreCase(req.header("x-amz-bucket-object-lock-enabled"))) {
                throw new S3Exception(S3Error.NOT_IMPLEMENTED, resource, "Object Lock is not implemented yet");
            }
            String ownershipHeader = req.header("x-amz-object-ownership");
            ObjectOwnership ownership = ownershipHeader == null ? null : ObjectOwnership.parse(ownershipHeader, resource);
            if (grants != null) {
                grants = access.grantees().resolve(grants, resource);
            }
            Map<String, String> attrs = new HashMap<>();
            attrs.put(BucketAccess.OWNER, user.id());
            attrs.put(BucketAccess.OWNER_NAME, user.displayName());
            attrs.put(BucketAccess.ACL, canned.header());
            if (grants != null) {
                attrs.put(BucketAccess.GRANTS, AccessControlList.encode(grants));
            }
            if (ownership != null) {
                attrs.put(BucketAccess.OBJECT_OWNERSHIP, ownership.value());
            }
            BucketInfo probe = new BucketInfo(name, 0, region, "", attrs);
            // ACLs are disabled under BucketOwnerEnforced: the new bucket may grant nobody but its owner
            if (ownership == ObjectOwnership.BUCKET_OWNER_ENFORCED
                    && BucketAccess.bucketAcl(new BucketInfo(name, 0, region, "", withoutOwnership(attrs))).grantsOthers()) {
                throw new S3Exception(S3Error.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP, resource);
            }
            return S3XmlReader.readBody(req, SMALL_XML)
                    .map(body -> locationConstraint(body, resource))
                    .flatMap(location -> shard.createBucket(
                            new BucketInfo(name, System.currentTimeMillis(), location, "", attrs)))
                    .map(b -> S3Response.ok().header("Location", "/" + name))
                    .onErrorResume(ShardException.class, e -> {
                        if (e.code() != ShardException.Code.BUCKET_EXISTS) {
                            return Mono.error(S3Errors.fromShard(e, resource));
                        }
                        return shard.getBucket(name).flatMap(existing -> recreate(user, existing.orElse(null), probe, resource));
                    });
        });
    }

    /**
     * CreateBucket on a name that exists. Another user's: BucketAlreadyExists. The caller's own: outside
     * us-east-1 BucketAlreadyOwnedByYou; in us-east-1 S3 answers 200 to a repeat of the same request
     * (nothing changes, objects stay), and s3-tests (test_bucket_recreate_*) expect BucketAlreadyExists
     * when the repeat asks for a different ACL.
     */
    private Mono<S3Response> recreate(User user, BucketInfo existing, BucketInfo requested, String resource) {
        if (existing == null || !user.id().equals(BucketAccess.ownerId(existing))) {
            return Mono.error(new S3Exception(S3Error.BUCKET_ALREADY_EXISTS, resource));
        }
        if (!"us-east-1".equals(region)) {
            return Mono.error(new S3Exception(S3Error.BUCKET_ALREADY_OWNED_BY_YOU, resource));
        }
        if (!BucketAccess.bucketAcl(existing).grants().equals(BucketAccess.bucketAcl(requested).grants())) {
            return Mono.error(new S3Exception(S3Error.BUCKET_ALREADY_EXISTS, resource));
        }
        return Mono.just(S3Response.ok().header("Location", resource));
    }

    private static Map<String, String> withoutOwnership(Map<String, String> attrs) {
        Map<String, String> m = new HashMap<>(attrs);
        m.remove(BucketAccess.OBJECT_OWNERSHIP);
        return m;
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

    // ---- ACL and ownership controls -----------------------------------------------------------

    /**
     * PutBucketAcl: a canned ACL (x-amz-acl), x-amz-grant-* headers or an AccessControlPolicy body,
     * exactly one of them. The body's owner must be the bucket's (the owner never changes); every
     * grantee must resolve. Refused under BucketOwnerEnforced.
     */
    private Mono<S3Response> putAcl(S3Request req) {
        String resource = "/" + req.bucket();
        return Mono.defer(() -> {
            String header = req.header("x-amz-acl");
            CannedAcl canned = header == null ? null : CannedAcl.parse(header, resource);
            List<Grant> headerGrants = AclRequests.grantHeaders(req);
            return access.require(req).flatMap(b -> {
                if (BucketAccess.ownership(b) == ObjectOwnership.BUCKET_OWNER_ENFORCED) {
                    throw new S3Exception(S3Error.ACCESS_CONTROL_LIST_NOT_SUPPORTED, resource);
                }
                return S3XmlReader.readBody(req, SMALL_XML).flatMap(body -> {
                    boolean hasBody = body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank();
                    boolean hasHeaders = canned != null || headerGrants != null;
                    if (hasHeaders && hasBody) {
                        throw new S3Exception(S3Error.UNEXPECTED_CONTENT, resource,
                                "This request does not support content with an ACL header");
                    }
                    Map<String, String> attrs = new HashMap<>(b.attributes());
                    if (canned != null) {
                        attrs.put(BucketAccess.ACL, canned.header());
                        attrs.remove(BucketAccess.GRANTS);
                    } else {
                        List<Grant> grants;
                        if (headerGrants != null) {
                            grants = headerGrants;
                        } else if (hasBody) {
                            AclRequests.Policy policy = AclRequests.policy(body, resource);
                            if (policy.ownerId() != null && !policy.ownerId().isEmpty()
                                    && !policy.ownerId().equals(BucketAccess.ownerId(b))) {
                                throw new S3Exception(S3Error.ACCESS_DENIED, resource);
                            }
                            grants = policy.grants();
                        } else {
                            throw new S3Exception(S3Error.MISSING_SECURITY_HEADER, resource,
                                    "Your request was missing a required header: x-amz-acl or an AccessControlPolicy body");
                        }
                        attrs.put(BucketAccess.GRANTS,
                                AccessControlList.encode(access.grantees().resolve(grants, resource)));
                    }
                    return shard.updateBucket(b.withAttributes(attrs)).thenReturn(S3Response.ok());
                });
            });
        });
    }

    /** PutBucketOwnershipControls: one rule; BucketOwnerEnforced only while the ACL grants nobody else. */
    private Mono<S3Response> putOwnership(S3Request req) {
        String resource = "/" + req.bucket();
        return access.require(req).flatMap(b -> S3XmlReader.readBody(req, SMALL_XML).flatMap(body -> {
            Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "OwnershipControls", resource);
            List<Element> rules = S3XmlReader.children(root, "Rule");
            if (rules.size() != 1) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            ObjectOwnership o = ObjectOwnership.fromValue(S3XmlReader.childText(rules.get(0), "ObjectOwnership"));
            if (o == null) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            Map<String, String> attrs = new HashMap<>(b.attributes());
            if (o == ObjectOwnership.BUCKET_OWNER_ENFORCED) {
                attrs.remove(BucketAccess.OBJECT_OWNERSHIP);
                if (BucketAccess.bucketAcl(b.withAttributes(attrs)).grantsOthers()) {
                    throw new S3Exception(S3Error.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP, resource);
                }
            }
            attrs.put(BucketAccess.OBJECT_OWNERSHIP, o.value());
            return shard.updateBucket(b.withAttributes(attrs)).thenReturn(S3Response.ok());
        }));
    }

    private String regionOf(BucketInfo b) {
        return b.region().isEmpty() ? region : b.region();
    }
}
