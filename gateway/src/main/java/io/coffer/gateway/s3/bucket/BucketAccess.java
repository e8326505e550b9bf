package io.coffer.gateway.s3.bucket;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Operation;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.acl.AccessControlList;
import io.coffer.gateway.s3.acl.AclRequests;
import io.coffer.gateway.s3.acl.CannedAcl;
import io.coffer.gateway.s3.acl.Grant;
import io.coffer.gateway.s3.acl.Grantees;
import io.coffer.gateway.s3.acl.ObjectOwnership;
import io.coffer.gateway.s3.acl.Permission;
import io.coffer.gateway.store.StoredObject;
import io.coffer.gateway.user.User;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.Shard;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Who may do what to a bucket and its objects, as S3 evaluates ACLs (see
 * docs/decisions/acl-enforcement.md). Every bucket-scoped handler starts with {@link #require}:
 * NoSuchBucket if the bucket does not exist, then the rule of the request's operation
 * ({@link #rule}): a bucket permission from the bucket's ACL (READ lists, WRITE writes and deletes
 * objects, READ_ACP/WRITE_ACP the ACL), the owner alone for bucket configuration, or, for
 * operations on one object, nothing yet: {@link #readable} checks the object's own ACL once it is
 * loaded. Root passes every check. Anonymous requests arrive as {@link User#ANONYMOUS} and hold only
 * what AllUsers grants hold.
 */
@Singleton
public final class BucketAccess {
    /** BucketInfo attribute holding the owner's canonical user id. */
    public static final String OWNER = "owner";
    /** BucketInfo attribute holding the owner's display name at creation. */
    public static final String OWNER_NAME = "owner-name";
    /** BucketInfo attribute holding the canned ACL ("private" when absent) when no explicit grants are set. */
    public static final String ACL = "acl";
    /** BucketInfo attribute holding explicit grants ({@link AccessControlList#encode()}); wins over {@link #ACL}. */
    public static final String GRANTS = "grants";
    /** BucketInfo attribute holding x-amz-object-ownership (absent: no ownership controls). */
    public static final String OBJECT_OWNERSHIP = "object-ownership";

    /** Manifest headers of an object's ACL (the same keys ObjectHeaders writes). */
    public static final String OBJECT_ACL = "x-amz-acl";
    public static final String OBJECT_GRANTS = "x-coffer-grants";
    public static final String OBJECT_OWNER_ID = "x-coffer-owner-id";
    public static final String OBJECT_OWNER_NAME = "x-coffer-owner-name";

    /** What an operation needs. */
    public enum Scope { BUCKET, OBJECT, OWNER }

    /** An operation's access rule: a permission on the bucket or on the object, or the bucket owner. */
    public record Rule(Scope scope, Permission permission) {
    }

    private final Shard shard;
    private final Grantees grantees;

    public BucketAccess(Shard shard, Grantees grantees) {
        this.shard = shard;
        this.grantees = grantees;
    }

    public Grantees grantees() {
        return grantees;
    }

    /** What each operation needs; anything not listed (bucket configuration) is the owner's alone. */
    public static Rule rule(S3Operation op) {
        return switch (op) {
            case LIST_OBJECTS, LIST_OBJECTS_V2, LIST_OBJECT_VERSIONS, LIST_MULTIPART_UPLOADS, HEAD_BUCKET ->
                    new Rule(Scope.BUCKET, Permission.READ);
            case PUT_OBJECT, COPY_OBJECT, POST_OBJECT, DELETE_OBJECT, DELETE_OBJECTS, CREATE_MULTIPART_UPLOAD,
                 UPLOAD_PART, UPLOAD_PART_COPY, COMPLETE_MULTIPART_UPLOAD, ABORT_MULTIPART_UPLOAD, LIST_PARTS ->
                    new Rule(Scope.BUCKET, Permission.WRITE);
            case GET_BUCKET_ACL -> new Rule(Scope.BUCKET, Permission.READ_ACP);
            case PUT_BUCKET_ACL -> new Rule(Scope.BUCKET, Permission.WRITE_ACP);
            case GET_OBJECT, HEAD_OBJECT, GET_OBJECT_ATTRIBUTES, GET_OBJECT_TAGGING ->
                    new Rule(Scope.OBJECT, Permission.READ);
            case PUT_OBJECT_TAGGING, DELETE_OBJECT_TAGGING -> new Rule(Scope.OBJECT, Permission.WRITE);
            case GET_OBJECT_ACL -> new Rule(Scope.OBJECT, Permission.READ_ACP);
            case PUT_OBJECT_ACL -> new Rule(Scope.OBJECT, Permission.WRITE_ACP);
            default -> new Rule(Scope.OWNER, Permission.FULL_CONTROL);
        };
    }

    /**
     * The request's bucket, if the caller may do the request's operation there (for operations on one
     * object: if the bucket exists; {@link #readable} decides on the object). Writes that set an ACL are
     * checked against the bucket's ownership control and their grantees resolved here, before any body
     * byte is read.
     */
    public Mono<BucketInfo> require(S3Request req) {
        String name = req.bucket();
        String resource = "/" + name;
        return shard.getBucket(name)
                .map(o -> o.orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_BUCKET, resource)))
                .doOnNext(b -> {
                    User user = req.user();
                    Rule rule = rule(req.operation());
                    boolean allowed = switch (rule.scope()) {
                        case OWNER -> isOwner(user, b);
                        case BUCKET -> user.root() || bucketAcl(b).allows(user, rule.permission());
                        case OBJECT -> true;
                    };
                    if (!allowed || !expectedOwner(req.header("x-amz-expected-bucket-owner"), b)) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, resource);
                    }
                    checkWriteAcl(req, b);
                });
    }

    /**
     * The object {@code open} loads, if the caller holds the operation's object permission (READ for
     * operations that are not about one object). A missing key is NoSuchKey only to callers who may
     * list the bucket; to anyone else S3 answers AccessDenied, so it never reveals what exists.
     */
    public Mono<StoredObject> readable(S3Request req, BucketInfo bucket, Mono<StoredObject> open) {
        Rule rule = rule(req.operation());
        Permission wanted = rule.scope() == Scope.OBJECT ? rule.permission() : Permission.READ;
        return checked(req.user(), bucket, open, wanted, req.resource());
    }

    /**
     * A copy source (CopyObject, UploadPartCopy): its bucket must exist (NoSuchBucket) and the caller
     * hold READ on the source object.
     */
    public Mono<StoredObject> copySource(S3Request req, String bucket, String key, Mono<StoredObject> open) {
        String resource = "/" + bucket + "/" + key;
        return shard.getBucket(bucket)
                .map(o -> o.orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_BUCKET, "/" + bucket)))
                .doOnNext(b -> {
                    if (!expectedOwner(req.header("x-amz-source-expected-bucket-owner"), b)) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, resource);
                    }
                })
                .flatMap(b -> checked(req.user(), b, open, Permission.READ, resource));
    }

    /** x-amz-(source-)expected-bucket-owner: when sent, the bucket must belong to that account (else AccessDenied). */
    private static boolean expectedOwner(String expected, BucketInfo b) {
        return expected == null || expected.trim().equals(ownerId(b));
    }

    private Mono<StoredObject> checked(User user, BucketInfo bucket, Mono<StoredObject> open, Permission wanted,
                                       String resource) {
        if (user.root()) {
            return open;
        }
        return open
                .onErrorMap(e -> e instanceof S3Exception se
                                && (se.error() == S3Error.NO_SUCH_KEY || se.error() == S3Error.NO_SUCH_VERSION)
                                && !bucketAcl(bucket).allows(user, Permission.READ),
                        e -> new S3Exception(S3Error.ACCESS_DENIED, resource))
                .doOnNext(obj -> {
                    if (!objectAcl(bucket, obj.manifest().headers()).allows(user, wanted)) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, resource);
                    }
                });
    }

    /**
     * An ACL sent with a write (x-amz-acl, x-amz-grant-*): refused under BucketOwnerEnforced unless it
     * is bucket-owner-full-control, and its grantees must resolve.
     */
    private void checkWriteAcl(S3Request req, BucketInfo b) {
        S3Operation op = req.operation();
        if (op != S3Operation.PUT_OBJECT && op != S3Operation.COPY_OBJECT
                && op != S3Operation.CREATE_MULTIPART_UPLOAD && op != S3Operation.POST_OBJECT) {
            return;
        }
        List<Grant> grants = AclRequests.grantHeaders(req);
        String canned = req.header("x-amz-acl");
        if (ownership(b) == ObjectOwnership.BUCKET_OWNER_ENFORCED
                && (grants != null || canned != null
                        && CannedAcl.parse(canned, req.resource()) != CannedAcl.BUCKET_OWNER_FULL_CONTROL)) {
            throw new S3Exception(S3Error.ACCESS_CONTROL_LIST_NOT_SUPPORTED, req.resource());
        }
        if (grants != null) {
            grantees.resolve(grants, req.resource());
        }
    }

    // ---- ACLs as stored ----------------------------------------------------------------------------

    /** The bucket's ACL; under BucketOwnerEnforced the owner's full control alone. */
    public static AccessControlList bucketAcl(BucketInfo b) {
        String owner = ownerId(b);
        Map<String, String> a = b.attributes();
        if (ownership(b) == ObjectOwnership.BUCKET_OWNER_ENFORCED) {
            return AccessControlList.ownerOnly(owner, ownerName(b));
        }
        List<Grant> grants = a.containsKey(GRANTS) ? AccessControlList.decode(a.get(GRANTS))
                : CannedAcl.fromStored(a.get(ACL)).grants(owner, owner);
        return new AccessControlList(owner, ownerName(b), grants);
    }

    /**
     * An object's ACL from its manifest headers. Its owner is its writer (objects from before owners
     * were recorded belong to the bucket owner); under BucketOwnerEnforced the bucket owner owns every
     * object and ACLs are ignored.
     */
    public static AccessControlList objectAcl(BucketInfo b, Map<String, String> headers) {
        String bucketOwner = ownerId(b);
        if (ownership(b) == ObjectOwnership.BUCKET_OWNER_ENFORCED) {
            return AccessControlList.ownerOnly(bucketOwner, ownerName(b));
        }
        String owner = headers.getOrDefault(OBJECT_OWNER_ID, bucketOwner);
        String name = headers.getOrDefault(OBJECT_OWNER_NAME, owner.equals(bucketOwner) ? ownerName(b) : "");
        List<Grant> grants = headers.containsKey(OBJECT_GRANTS) ? AccessControlList.decode(headers.get(OBJECT_GRANTS))
                : CannedAcl.fromStored(headers.get(OBJECT_ACL)).grants(owner, bucketOwner);
        return new AccessControlList(owner, name, grants);
    }

    /**
     * The owner a new object gets, written into its headers: the writer, except that the bucket owner
     * takes it under BucketOwnerEnforced, and under BucketOwnerPreferred when it is written with
     * bucket-owner-full-control.
     */
    public static Map<String, String> withOwner(Map<String, String> headers, BucketInfo b) {
        ObjectOwnership o = ownership(b);
        boolean bucketOwns = o == ObjectOwnership.BUCKET_OWNER_ENFORCED
                || o == ObjectOwnership.BUCKET_OWNER_PREFERRED
                && CannedAcl.BUCKET_OWNER_FULL_CONTROL.header().equals(headers.get(OBJECT_ACL));
        if (!bucketOwns) {
            return headers;
        }
        Map<String, String> out = new java.util.HashMap<>(headers);
        out.put(OBJECT_OWNER_ID, ownerId(b));
        out.put(OBJECT_OWNER_NAME, ownerName(b));
        return out;
    }

    public static ObjectOwnership ownership(BucketInfo b) {
        return ObjectOwnership.fromValue(b.attributes().get(OBJECT_OWNERSHIP));
    }

    /** Whether the user owns the bucket (or is root): what ListBuckets shows and bucket configuration needs. */
    public static boolean mayAccess(User user, BucketInfo bucket) {
        return isOwner(user, bucket);
    }

    private static boolean isOwner(User user, BucketInfo bucket) {
        return user.root() || !user.anonymous() && user.id().equals(bucket.attributes().get(OWNER));
    }

    public static String ownerId(BucketInfo b) {
        return b.attributes().getOrDefault(OWNER, "");
    }

    public static String ownerName(BucketInfo b) {
        return b.attributes().getOrDefault(OWNER_NAME, "");
    }
}
