package io.coffer.gateway.s3.bucket;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.user.User;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.Shard;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/**
 * Who may touch a bucket: its owner, and root. Every bucket-scoped handler (objects, multipart,
 * listing) starts with {@link #require(S3Request)}: NoSuchBucket if it does not exist, AccessDenied
 * if the caller neither owns it nor is root.
 */
@Singleton
public final class BucketAccess {
    /** BucketInfo attribute holding the owner's canonical user id. */
    public static final String OWNER = "owner";
    /** BucketInfo attribute holding the owner's display name at creation. */
    public static final String OWNER_NAME = "owner-name";
    /** BucketInfo attribute holding the canned ACL ("private" when absent). */
    public static final String ACL = "acl";
    /** BucketInfo attribute holding x-amz-object-ownership. */
    public static final String OBJECT_OWNERSHIP = "object-ownership";

    private final Shard shard;

    public BucketAccess(Shard shard) {
        this.shard = shard;
    }

    /** The request's bucket, if the caller may use it. */
    public Mono<BucketInfo> require(S3Request req) {
        String name = req.bucket();
        String resource = "/" + name;
        return shard.getBucket(name)
                .map(o -> o.orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_BUCKET, resource)))
                .doOnNext(b -> {
                    if (!mayAccess(req.user(), b)) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, resource);
                    }
                });
    }

    public static boolean mayAccess(User user, BucketInfo bucket) {
        return user.root() || user.id().equals(bucket.attributes().get(OWNER));
    }

    public static String ownerId(BucketInfo b) {
        return b.attributes().getOrDefault(OWNER, "");
    }

    public static String ownerName(BucketInfo b) {
        return b.attributes().getOrDefault(OWNER_NAME, "");
    }
}
