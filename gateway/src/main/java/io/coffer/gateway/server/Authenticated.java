package io.coffer.gateway.server;

import io.coffer.gateway.user.User;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outcome of authenticating a request: who signed it, and the payload as handlers must see it
 * (decoded from aws-chunked, chunk signatures and payload hash verified as the bytes stream).
 *
 * @param user      the signer; null only for a browser upload form (POST Object), whose signature is
 *                  in the body and is verified by its handler
 * @param onFinish  run when the request ends, whatever happened (frees a read-ahead body nobody took)
 */
public record Authenticated(User user, Flux<ByteBuf> body, long contentLength, Mono<Map<String, String>> trailers,
                            Runnable onFinish) {
    public Authenticated {
        if (body == null || trailers == null || onFinish == null) {
            throw new IllegalArgumentException("body, trailers and onFinish are required");
        }
    }

    public Authenticated(User user, Flux<ByteBuf> body, long contentLength, Mono<Map<String, String>> trailers) {
        this(user, body, contentLength, trailers, () -> { });
    }
}
