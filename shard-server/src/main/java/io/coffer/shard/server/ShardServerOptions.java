package io.coffer.shard.server;

import io.coffer.shard.wire.ClusterSecret;
import java.time.Duration;

/**
 * Where the shard server listens, the secret requests must be signed with, and how long a request body
 * may stall.
 *
 * @param port        0 picks a free port (tests)
 * @param readTimeout longest pause between two reads of a request body; past it the connection is closed
 *                    and the upload cleaned up, so a stalled or vanished gateway cannot hold an extent
 *                    and a connection forever
 */
public record ShardServerOptions(String host, int port, ClusterSecret secret, Duration readTimeout) {
    /** The default read timeout: a minute, far above any pause a live gateway makes (an fsync wait). */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    public ShardServerOptions(String host, int port, ClusterSecret secret) {
        this(host, port, secret, DEFAULT_READ_TIMEOUT);
    }

    public ShardServerOptions {
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("read timeout must be positive");
        }
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
