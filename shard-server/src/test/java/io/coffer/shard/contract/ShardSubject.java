package io.coffer.shard.contract;

import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.Shard;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.server.SectorRegionSource;
import io.coffer.shard.server.ShardHttpServer;
import io.coffer.shard.server.ShardServerOptions;
import io.coffer.shard.wire.ClusterSecret;
import java.security.SecureRandom;

/**
 * What a contract test runs against: a {@link Shard} + {@link ControlStore} pair, embedded or remote,
 * and what to close afterwards (in order).
 */
public record ShardSubject(Shard shard, ControlStore control, ShardHttpServer server, AutoCloseable... closers)
        implements AutoCloseable {

    public static ShardSubject embedded(Shard engine, ControlStore control) {
        return new ShardSubject(engine, control, null, engine);
    }

    /** {@code engine} behind a real server on 127.0.0.1, reached through a {@link RemoteShard}. */
    public static ShardSubject remote(Shard engine, ControlStore control, SectorRegionSource regions) {
        ClusterSecret secret = randomSecret();
        ShardHttpServer server = ShardHttpServer.start(new ShardServerOptions("127.0.0.1", 0, secret), engine,
                control, regions);
        RemoteShard client = RemoteShard.of(engine.id(), "127.0.0.1", server.port(), secret);
        return new ShardSubject(client, client, server, client, server, engine);
    }

    public static ClusterSecret randomSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return ClusterSecret.of(key);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : closers) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
