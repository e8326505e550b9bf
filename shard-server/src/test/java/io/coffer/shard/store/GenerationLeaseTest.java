package io.coffer.shard.store;

import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.volume.FsyncPolicy;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static io.coffer.shard.store.StoreFixture.TIMEOUT;
import static io.coffer.shard.store.StoreFixture.assertCode;
import static io.coffer.shard.store.StoreFixture.bucket;
import static io.coffer.shard.store.StoreFixture.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generations come from durable leases: one fsync per block, never repeated, always growing. */
class GenerationLeaseTest {
    @TempDir
    Path dir;
    ShardStore store;

    @BeforeEach
    void open() {
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(FsyncPolicy.GROUP));
        store.createBucket(bucket("b")).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aThousandGenerationsCostOneDurableReservation() {
        long syncsBefore = store.committer().metadataSyncs();
        long last = 0;
        for (int i = 0; i < 1000; i++) {
            long g = store.nextGeneration("b", 0).block(TIMEOUT);
            assertTrue(g > last, g + " after " + last);
            last = g;
        }
        assertEquals(1000, last);
        assertEquals(1, store.committer().metadataSyncs() - syncsBefore);
    }

    @Test
    void concurrentCallersNeverShareAGeneration() {
        List<Long> gens = Flux.range(0, 20_000)
                .parallel(4).runOn(Schedulers.parallel())
                .flatMap(i -> store.nextGeneration("b", 0))
                .sequential()
                .collectList().block(TIMEOUT);
        Set<Long> distinct = new HashSet<>(gens);
        assertEquals(20_000, distinct.size());
        // 20,000 generations out of blocks of 4,096: a handful of reservations, not one per call
        assertTrue(store.committer().metadataSyncs() <= 10, "syncs " + store.committer().metadataSyncs());
    }

    @Test
    void afterARestartGenerationsStayAboveEverythingHandedOut() {
        long handedOut = 0;
        for (int i = 0; i < 10; i++) {
            handedOut = store.nextGeneration("b", 0).block(TIMEOUT);
        }
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(FsyncPolicy.GROUP));
        long next = store.nextGeneration("b", 0).block(TIMEOUT);
        assertTrue(next > handedOut, next + " must exceed " + handedOut);
        assertTrue(store.nextGeneration("b", 0).block(TIMEOUT) > next);
    }

    @Test
    void aStoredVersionAboveTheLeaseRaisesLaterGenerations() {
        assertEquals(1, store.nextGeneration("b", 0).block(TIMEOUT));
        store.putVersion(version("b", "k", "v", 9_000), PutCondition.NONE, false).block(TIMEOUT);
        assertEquals(9_001, store.nextGeneration("b", 0).block(TIMEOUT));
        store.putVersion(version("b", "k2", "v", 9_100), PutCondition.NONE, false).block(TIMEOUT);
        assertEquals(9_101, store.nextGeneration("b", 0).block(TIMEOUT));
        assertEquals(20_001, store.nextGeneration("b", 20_000).block(TIMEOUT));
        assertEquals(20_002, store.nextGeneration("b", 0).block(TIMEOUT));
    }

    @Test
    void aRecreatedBucketStartsAgainAndADeletedOneHasNone() {
        store.nextGeneration("b", 0).block(TIMEOUT);
        store.nextGeneration("b", 0).block(TIMEOUT);
        store.deleteBucket("b").block(TIMEOUT);
        assertCode(Code.NO_SUCH_BUCKET, () -> store.nextGeneration("b", 0).block(TIMEOUT));
        store.createBucket(bucket("b")).block(TIMEOUT);
        assertEquals(1, store.nextGeneration("b", 0).block(TIMEOUT));
        assertEquals(2, store.nextGeneration("b", 0).block(TIMEOUT));
    }
}
