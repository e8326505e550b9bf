package io.coffer.gateway.server;

import io.coffer.gateway.user.User;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outcome of authenticating a request: who signed it, and the payload as handlers must see it
 * (decoded from aws-chunked, chunk signatures and payload hash verified as the bytes stream).
 */
public record Authenticated(User user, Flux<ByteBuf> body, long contentLength, Mono<Map<String, String>> trailers) {
    public Authenticated {
        if (user == null || body == null || trailers == null) {
            throw new IllegalArgumentException("user, body and trailers are required");
        }
    }
}
