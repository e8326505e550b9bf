package io.coffer.shard.server;

import io.coffer.shard.wire.ClusterSecret;

/**
 * Where the shard server listens and the secret requests must be signed with.
 *
 * @param port 0 picks a free port (tests)
 */
public record ShardServerOptions(String host, int port, ClusterSecret secret) {
    public ShardServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (secret == null) {
            throw new IllegalArgumentException("cluster secret required");
        }
    }
}
