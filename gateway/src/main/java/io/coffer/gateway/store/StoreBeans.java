package io.coffer.gateway.store;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.crypto.segment.SegmentLayout;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.shard.api.Shard;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the pipelines: the master keyring (COFFER_MASTER_KEY, else {@code <data>/keys/master.keys},
 * created on first start), the gateway's Ed25519 signing key ({@code <data>/keys/gateway-signing.key}),
 * and the store settings ({@code coffer.store.*}).
 */
@Factory
public class StoreBeans {
    private static final Logger LOG = LoggerFactory.getLogger(StoreBeans.class);

    @Singleton
    public StoreSettings storeSettings(@Value("${coffer.store.sector-size:4194304}") long sectorSize,
                                       @Value("${coffer.store.segment-size:" + SegmentLayout.DEFAULT_SEGMENT_SIZE + "}") int segmentSize,
                                       @Value("${coffer.store.manifest-cache:10000}") int manifestCache) {
        return new StoreSettings(sectorSize, segmentSize, manifestCache);
    }

    @Singleton
    public MasterKeyring masterKeyring(GatewayConfig config, @Value("${coffer.master-key:}") String masterKey) {
        if (masterKey != null && !masterKey.isBlank()) {
            return MasterKeyring.fromBase64(masterKey);
        }
        Path file = keysDir(config).resolve("master.keys");
        try {
            boolean created = !Files.exists(file);
            MasterKeyring ring = MasterKeyring.loadOrCreate(file);
            if (created) {
                LOG.warn("created master key file {}: back it up; losing it loses every object", file);
            }
            return ring;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the master keyring " + file, e);
        }
    }

    @Singleton
    public GatewaySigningKey gatewaySigningKey(GatewayConfig config) {
        Path file = keysDir(config).resolve("gateway-signing.key");
        try {
            return GatewaySigningKey.loadOrCreate(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the gateway signing key " + file, e);
        }
    }

    @Singleton
    public SignedManifests signedManifests(GatewaySigningKey key, StoreSettings settings) {
        return new SignedManifests(new ManifestSigner(key,
                ManifestVerifier.cached(List.of(key.publicKey()), settings.manifestCacheEntries())));
    }

    @Singleton
    public SignedState signedState(GatewaySigningKey key) {
        return new SignedState(key, List.of(key.publicKey()));
    }

    @Singleton
    public WritePipeline writePipeline(Shard shard, MasterKeyring keyring, SignedManifests manifests,
                                       StoreSettings settings) {
        return new WritePipeline(shard, keyring, manifests, settings);
    }

    @Singleton
    public ReadPipeline readPipeline(Shard shard, MasterKeyring keyring, SignedManifests manifests) {
        return new ReadPipeline(shard, keyring, manifests);
    }

    private static Path keysDir(GatewayConfig config) {
        Path dir = config.dataPath().resolve("keys");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }
}
