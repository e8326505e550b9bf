package io.coffer.gateway.s3;

import io.coffer.gateway.s3.bucket.BucketHandler;
import io.coffer.gateway.s3.bucket.config.BucketConfigHandler;
import io.coffer.gateway.s3.bucket.config.CorsPreflight;
import io.coffer.gateway.s3.list.BucketListHandler;
import io.coffer.gateway.s3.multipart.MultipartHandler;
import io.coffer.gateway.s3.object.ObjectHandlers;
import io.coffer.gateway.s3.post.PostObjectHandler;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/**
 * Sends each routed, authenticated request to its operation family's handler: one plain switch,
 * like Garage's {@code api_server.rs}. Anything without a handler answers NotImplemented.
 */
@Singleton
public final class S3Dispatcher {
    private final BucketHandler buckets;
    private final BucketListHandler listing;
    // objects branch: add your handler fields here (and constructor parameters below)
    private final ObjectHandlers objects;
    private final MultipartHandler multipart;
    private final PostObjectHandler post;
    private final BucketConfigHandler bucketConfig;
    private final CorsPreflight cors;

    public S3Dispatcher(BucketHandler buckets, BucketListHandler listing, ObjectHandlers objects,
                        MultipartHandler multipart, PostObjectHandler post, BucketConfigHandler bucketConfig,
                        CorsPreflight cors) {
        this.buckets = buckets;
        this.listing = listing;
        this.objects = objects;
        this.multipart = multipart;
        this.post = post;
        this.bucketConfig = bucketConfig;
        this.cors = cors;
    }

    public Mono<S3Response> dispatch(S3Request req) {
        return switch (req.operation()) {
            case LIST_BUCKETS, CREATE_BUCKET, HEAD_BUCKET, DELETE_BUCKET, GET_BUCKET_LOCATION,
                 GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING, GET_BUCKET_ACL, PUT_BUCKET_ACL -> buckets.handle(req);
            case GET_BUCKET_OWNERSHIP_CONTROLS, PUT_BUCKET_OWNERSHIP_CONTROLS,
                 DELETE_BUCKET_OWNERSHIP_CONTROLS -> buckets.handle(req);
            case LIST_OBJECTS, LIST_OBJECTS_V2, LIST_OBJECT_VERSIONS -> listing.handle(req);

            // ---- objects branch: replace notImplemented with your handlers ----
            case PUT_OBJECT, COPY_OBJECT, GET_OBJECT, HEAD_OBJECT, DELETE_OBJECT, DELETE_OBJECTS,
                 GET_OBJECT_ATTRIBUTES, GET_OBJECT_TAGGING, PUT_OBJECT_TAGGING, DELETE_OBJECT_TAGGING,
                 GET_OBJECT_ACL, PUT_OBJECT_ACL -> objects.handle(req);
            case CREATE_MULTIPART_UPLOAD, UPLOAD_PART, UPLOAD_PART_COPY, COMPLETE_MULTIPART_UPLOAD,
                 ABORT_MULTIPART_UPLOAD, LIST_PARTS, LIST_MULTIPART_UPLOADS -> multipart.handle(req);
            // ---- end objects branch ----
            case POST_OBJECT -> post.handle(req);
            case GET_BUCKET_ENCRYPTION, PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION,
                 GET_BUCKET_TAGGING, PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING,
                 GET_BUCKET_CORS, PUT_BUCKET_CORS, DELETE_BUCKET_CORS,
                 GET_BUCKET_LIFECYCLE, PUT_BUCKET_LIFECYCLE, DELETE_BUCKET_LIFECYCLE -> bucketConfig.handle(req);

            default -> notImplemented(req);
        };
    }

    /** CORS preflights (answered before authentication) and Access-Control-* headers on responses. */
    public CorsPreflight cors() {
        return cors;
    }

    private static Mono<S3Response> notImplemented(S3Request req) {
        return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource(),
                req.operation().tag() + " is not implemented by Coffer"));
    }
}
