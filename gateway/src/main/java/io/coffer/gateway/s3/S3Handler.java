package io.coffer.gateway.s3;

import reactor.core.publisher.Mono;

/**
 * One S3 operation family's entry point. The dispatcher has already routed, authenticated and
 * admitted the request; the handler answers with an {@link S3Response} (or fails with an
 * {@link S3Exception}, which the dispatcher turns into S3's XML error). The dispatcher sends the
 * response, so handlers never touch Netty's response object: HEAD stripping, Content-Length,
 * common headers, metrics and logging happen in one place.
 */
@FunctionalInterface
public interface S3Handler {
    Mono<S3Response> handle(S3Request request);
}
