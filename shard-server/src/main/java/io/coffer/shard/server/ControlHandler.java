package io.coffer.shard.server;

import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.wire.WireCodec;
import reactor.core.publisher.Mono;

/** Control-store routes. Values are the raw request/response body (opaque bytes of the caller). */
final class ControlHandler {
    private final ControlStore control;

    ControlHandler(ControlStore control) {
        this.control = control;
    }

    Mono<Void> get(ShardExchange ex) {
        return store().get(ex.requiredParam("key")).flatMap(v -> ex.reply(w -> {
            w.writeBoolean(v.isPresent());
            v.ifPresent(w::writeBytes);
        }));
    }

    /** Query ifAbsent=true for putIfAbsent; answers whether this call stored the value. */
    Mono<Void> put(ShardExchange ex) {
        String key = ex.requiredParam("key");
        byte[] value = ex.rawBody();
        Mono<Boolean> stored = ex.boolParam("ifAbsent")
                ? store().putIfAbsent(key, value)
                : store().put(key, value).thenReturn(true);
        return stored.flatMap(s -> ex.reply(w -> w.writeBoolean(s)));
    }

    Mono<Void> delete(ShardExchange ex) {
        return store().delete(ex.requiredParam("key")).flatMap(d -> ex.reply(w -> w.writeBoolean(d)));
    }

    Mono<Void> scan(ShardExchange ex) {
        return store().scan(ex.param("prefix") == null ? "" : ex.param("prefix")).collectList()
                .flatMap(entries -> ex.reply(w -> WireCodec.writeEntries(w, entries)));
    }

    private ControlStore store() {
        if (control == null) {
            throw new ShardException(ShardException.Code.UNAVAILABLE, "this shard has no control store");
        }
        return control;
    }
}
