package io.coffer.gateway.s3.list;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Handler;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

/** ListObjects v1, ListObjectsV2 and ListObjectVersions over the merged shard listing. */
@Singleton
public final class BucketListHandler implements S3Handler {
    @Override
    public Mono<S3Response> handle(S3Request req) {
        return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, req.resource()));
    }
}
