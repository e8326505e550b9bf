package io.coffer.shard.api;

import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Control-plane records that need one truth for the whole deployment: users and their keys, and
 * other gateway settings. Embedded mode keeps them in the shard's LMDB (the engine implements
 * this); cluster mode keeps them in etcd. Values are opaque bytes owned by the caller.
 */
public interface ControlStore {
    Mono<Optional<byte[]>> get(String key);

    Mono<Void> put(String key, byte[] value);

    /** Stores only if the key is absent; true if this call stored it. */
    Mono<Boolean> putIfAbsent(String key, byte[] value);

    Mono<Boolean> delete(String key);

    /** Entries whose key starts with {@code prefix}, in key order. */
    Flux<Map.Entry<String, byte[]>> scan(String prefix);
}
