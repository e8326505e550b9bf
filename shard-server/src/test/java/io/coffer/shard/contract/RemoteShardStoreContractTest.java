package io.coffer.shard.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The contract through {@code RemoteShard -> ShardHttpServer -> ShardStore} over 127.0.0.1, with
 * the engine's zero-copy regions on the read path.
 */
class RemoteShardStoreContractTest extends ShardContractTest {
    private ShardStore store;

    @Override
    protected ShardSubject open(Path dir) {
        store = ShardStore.open(dir, ShardConfig.forTests());
        return ShardSubject.remote(store, store, store::region);
    }

    @Override
    protected void checkInvariants() {
        assertEquals(java.util.List.of(), store.meta().audit(100), "engine audit");
    }

    @Test
    void sectorGetOfSeveralMibGoesThroughTheFileRegionPath() {
        byte[] bytes = randomBytes(6 * 1024 * 1024 + 77, 99);
        SectorId id = SectorId.random();
        putSector(id, bytes);
        long zeroCopyBefore = subject.server().counters().zeroCopyReads();
        assertArrayEquals(bytes, readSector(id, 0, -1));
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 4_000_000, 5_500_000), readSector(id, 4_000_000, 1_500_000));
        assertEquals(zeroCopyBefore + 2, subject.server().counters().zeroCopyReads());
        assertEquals(0, subject.server().counters().streamedReads());
    }
}
