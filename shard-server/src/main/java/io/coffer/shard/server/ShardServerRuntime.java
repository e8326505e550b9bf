package io.coffer.shard.server;

import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.wire.ClusterSecret;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running shard process: opens the {@link ShardStore} under {@code coffer.data-dir} and serves it
 * with a {@link ShardHttpServer} on {@code coffer.shard.host}:{@code coffer.shard.port}. Eager, and
 * only in the "shard" environment, so a gateway that has this module on its classpath does not start
 * a shard by accident.
 */
@Context
@Requires(env = ShardServerRuntime.ENVIRONMENT)
public final class ShardServerRuntime implements AutoCloseable {
    public static final String ENVIRONMENT = "shard";
    private static final Logger LOG = LoggerFactory.getLogger(ShardServerRuntime.class);

    private final ShardStore store;
    private final ShardHttpServer server;

    public ShardServerRuntime(@Value("${coffer.data-dir:./data}") String dataDir,
                              @Value("${coffer.shard.host:127.0.0.1}") String host,
                              @Value("${coffer.shard.port:9100}") int port,
                              @Value("${coffer.cluster-secret:}") String clusterSecret,
                              @Value("${coffer.fsync:group}") String fsync,
                              @Value("${coffer.shard.temporary-sector-ttl:1h}") Duration temporarySectorTtl,
                              @Value("${coffer.shard.reclaim-interval:1m}") Duration reclaimInterval) {
        Path dir = Path.of(dataDir);
        ClusterSecret secret = ClusterSecretSource.resolve(clusterSecret, host, dir);
        ShardConfig config = ShardConfig.defaults()
                .withFsyncPolicy(FsyncPolicy.parse(fsync))
                .withTemporarySectorTtl(temporarySectorTtl)
                .withReclaimInterval(reclaimInterval);
        this.store = ShardStore.open(dir, config);
        try {
            this.server = ShardHttpServer.start(new ShardServerOptions(host, port, secret), store, store, store::region);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("coffer shard {} listening on {}:{} (data {}, fsync {})", store.id(), host, server.port(),
                dir.toAbsolutePath(), config.fsyncPolicy());
    }

    public ShardStore store() {
        return store;
    }

    public ShardHttpServer server() {
        return server;
    }

    @PreDestroy
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            store.close();
        }
        LOG.info("coffer shard stopped");
    }
}
