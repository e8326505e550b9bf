package io.coffer.gateway.store;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.crypto.segment.SegmentLayout;
import io.coffer.shard.api.Shard;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Wires the pipelines from the shard, master keyring and signing key beans, with the store settings
 * ({@code coffer.store.sector-size}, {@code segment-size}, {@code manifest-cache}).
 */
@Factory
public class StoreBeans {
    @Singleton
    public StoreSettings storeSettings(@Value("${coffer.store.sector-size:4194304}") long sectorSize,
                                       @Value("${coffer.store.segment-size:" + SegmentLayout.DEFAULT_SEGMENT_SIZE + "}") int segmentSize,
                                       @Value("${coffer.store.manifest-cache:10000}") int manifestCache) {
        return new StoreSettings(sectorSize, segmentSize, manifestCache);
    }

    @Singleton
    public SignedManifests signedManifests(GatewaySigningKey key, StoreSettings settings) {
        // the cache of verified manifests lives in SignedManifests, which also fills it when it signs
        return new SignedManifests(new ManifestSigner(key, ManifestVerifier.of(List.of(key.publicKey()))),
                settings.manifestCacheEntries());
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
}
