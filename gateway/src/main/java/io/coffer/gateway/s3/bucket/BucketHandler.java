package io.coffer.gateway.s3.bucket;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/** Bucket operations: ListBuckets, Create/Head/Delete, location, versioning, ACL. */
@Singleton
public final class BucketHandler implements S3Handler {
    @Override
    public Mono<S3Response> handle(S3Request req) {
        return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
    }
}
