package io.coffer.gateway.server;

import io.coffer.gateway.s3.S3Route;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Verifies a request's signature from its method, URI and headers alone, before any body byte is
 * read (so {@code 100 Continue} is only sent to authenticated clients), and wraps the raw body into
 * the decoded, verified body handlers see. Fails with an {@code S3Exception} (403
 * SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, ...).
 */
public interface RequestAuthenticator {
    /**
     * @param rawBody the body as received; buffers are owned by whoever subscribes. Not subscribed here.
     */
    Mono<Authenticated> authenticate(HttpMethod method, String uri, HttpHeaders headers, S3Route route,
                                     Flux<ByteBuf> rawBody);
}
