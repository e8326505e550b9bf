package io.coffer.gateway.config;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.key.OwnerOnlyFile;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.Shard;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.volume.VolumeConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Embedded mode: one {@link ShardStore} under {@code <data-dir>/shard}, serving as both the
 * {@link Shard} objects are placed on and the {@link ControlStore} for users; the master keyring
 * and the gateway's manifest-signing key under {@code <data-dir>/keys/}.
 */
@Factory
public class EmbeddedShardFactory {

    /** Tests set {@code coffer.shard.test-sizing=true} for small volumes and a small LMDB map. */
    // typed: exposed only as ShardStore, so Shard and ControlStore each have exactly one bean below
    @Singleton
    @Bean(preDestroy = "close", typed = ShardStore.class)
    public ShardStore shardStore(GatewayConfig config, @Value("${coffer.shard.test-sizing:false}") boolean testSizing) {
        Path dir = config.dataPath().resolve("shard");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        // test sizing: small volumes that must grow, but room for every test class's objects
        ShardConfig base = testSizing
                ? ShardConfig.forTests().withVolumes(VolumeConfig.forTests().withMaxTotalSize(2L << 30))
                : ShardConfig.defaults();
        return ShardStore.open(dir, base.withFsyncPolicy(FsyncPolicy.parse(config.getFsync())));
    }

    @Singleton
    public Shard shard(ShardStore store) {
        return store;
    }

    @Singleton
    public ControlStore controlStore(ShardStore store) {
        return store;
    }

    @Singleton
    public MasterKeyring masterKeyring(GatewayConfig config,
                                       @Value("${coffer.master-key:}") String masterKey,
                                       @Value("${coffer.master-key-file:}") String masterKeyFile) {
        // COFFER_MASTER_KEY (base64 keys, the last current) wins; else COFFER_MASTER_KEY_FILE; else a key
        // generated on first start under <data-dir>/keys with owner-only permissions
        Path file = masterKeyFile.isBlank() ? keysDir(config).resolve("master.keys") : Path.of(masterKeyFile);
        try {
            return MasterKeyring.fromEnvironmentOrFile(masterKey, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the master keyring", e);
        }
    }

    @Singleton
    @Bean(preDestroy = "destroy")
    public GatewaySigningKey gatewaySigningKey(GatewayConfig config) {
        try {
            return GatewaySigningKey.loadOrCreate(keysDir(config).resolve("gateway-signing.key"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the gateway signing key", e);
        }
    }

    static Path keysDir(GatewayConfig config) {
        Path dir = config.dataPath().resolve("keys");
        try {
            OwnerOnlyFile.createOwnerOnlyDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}
