package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.gateway.s3.bucket.BucketAccess;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.Shard;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Bucket configuration subresources kept as BucketInfo attributes: default encryption
 * ({@code ?encryption}), tags ({@code ?tagging}), lifecycle rules ({@code ?lifecycle}) and CORS rules
 * ({@code ?cors}). Each is a read-modify-write of the bucket record:
 * two concurrent changes to different settings of one bucket can lose one (S3 makes no promise there
 * either, and these are rare administrative calls).
 */
@Singleton
public final class BucketConfigHandler implements S3Handler {
    /** Configuration documents are small; S3's largest (lifecycle, 1000 rules) stays well under this. */
    static final int MAX_DOCUMENT = 1 << 20;

    private final Shard shard;
    private final BucketAccess access;

    public BucketConfigHandler(Shard shard, BucketAccess access) {
        this.shard = shard;
        this.access = access;
    }

    @Override
    public Mono<S3Response> handle(S3Request req) {
        String resource = "/" + req.bucket();
        return switch (req.operation()) {
            case GET_BUCKET_ENCRYPTION -> access.require(req).map(b -> {
                BucketEncryption e = BucketEncryption.of(b);
                if (e == null) {
                    throw new S3Exception(S3Error.SSE_CONFIGURATION_NOT_FOUND, resource);
                }
                return S3Response.xml(e.toXml());
            });
            case PUT_BUCKET_ENCRYPTION -> update(req, body -> {
                BucketEncryption e = BucketEncryption.parse(body, resource);
                return e::storeIn;
            }, S3Response.ok());
            case DELETE_BUCKET_ENCRYPTION -> update(req, body -> BucketEncryption::removeFrom, S3Response.noContent());
            case GET_BUCKET_TAGGING -> access.require(req).map(b -> {
                Map<String, String> tags = BucketTagging.of(b);
                if (tags == null) {
                    throw new S3Exception(S3Error.NO_SUCH_TAG_SET, resource);
                }
                return S3Response.xml(BucketTagging.toXml(tags));
            });
            case PUT_BUCKET_TAGGING -> update(req, body -> {
                Map<String, String> tags = BucketTagging.parse(body, resource);
                return b -> BucketTagging.storeIn(b, tags);
            }, S3Response.noContent());
            case DELETE_BUCKET_TAGGING -> update(req, body -> BucketTagging::removeFrom, S3Response.noContent());
            case GET_BUCKET_LIFECYCLE -> access.require(req).map(b -> {
                String doc = BucketLifecycle.of(b);
                if (doc == null) {
                    throw new S3Exception(S3Error.NO_SUCH_LIFECYCLE_CONFIGURATION, resource);
                }
                return S3Response.xml(doc);
            });
            case PUT_BUCKET_LIFECYCLE -> update(req, body -> {
                String doc = BucketLifecycle.validate(body, resource);
                return b -> BucketLifecycle.storeIn(b, doc);
            }, S3Response.ok());
            case GET_BUCKET_CORS -> access.require(req).map(b -> {
                BucketCors cors = BucketCors.of(b);
                if (cors == null) {
                    throw new S3Exception(S3Error.NO_SUCH_CORS_CONFIGURATION, resource);
                }
                return S3Response.xml(cors.toXml());
            });
            case PUT_BUCKET_CORS -> update(req, body -> BucketCors.parse(body, resource)::storeIn, S3Response.ok());
            case DELETE_BUCKET_CORS -> update(req, body -> BucketCors::removeFrom, S3Response.noContent());
            case DELETE_BUCKET_LIFECYCLE -> update(req, body -> BucketLifecycle::removeFrom, S3Response.noContent());
            default -> Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
        };
    }

    /**
     * Reads the body, turns it into a change of the bucket record ({@code change} validates before
     * anything is stored) and stores the changed record.
     */
    private Mono<S3Response> update(S3Request req, Function<byte[], Function<BucketInfo, BucketInfo>> change,
                                    S3Response answer) {
        return access.require(req).flatMap(b -> S3XmlReader.readBody(req, MAX_DOCUMENT).flatMap(body -> {
            BucketInfo changed = change.apply(body).apply(b);
            return shard.updateBucket(changed).thenReturn(answer);
        }));
    }
}
