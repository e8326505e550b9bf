package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.VolumeState;
import io.coffer.shard.meta.MetaStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommitterTest {
    private static final int COMMITS = 200;

    @TempDir
    Path dataDir;

    private VolumeSet volumes;
    private Scheduler io;

    @BeforeEach
    void open() {
        volumes = VolumeSet.open(dataDir, VolumeConfig.forTests());
        io = Schedulers.newBoundedElastic(8, 10_000, "test-io");
    }

    @AfterEach
    void close() {
        io.dispose();
        volumes.close();
    }

    @Test
    void groupPolicyBatchesConcurrentCommitsIntoFewerFsyncs() {
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            Volume v = volumes.volume(0);
            Flux.range(0, COMMITS)
                    .flatMap(i -> Mono.fromRunnable(() -> dirty(v, i)).subscribeOn(io).then(c.commitVolumes(Set.of(0))), COMMITS)
                    .then().block(Duration.ofSeconds(30));
            System.out.printf("GROUP: %d commits, %d batches, %d fsyncs%n", c.commits(), c.batches(), v.forceCount());
            assertEquals(COMMITS, c.commits());
            assertEquals(v.forceCount(), c.volumeSyncs());
            assertTrue(v.forceCount() >= 1);
            assertTrue(v.forceCount() < COMMITS, "one fsync per commit: " + v.forceCount());
            assertEquals(c.batches(), c.volumeSyncs());
        }
    }

    @Test
    void alwaysPolicyFsyncsEveryCommit() {
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.ALWAYS, io)) {
            Volume v = volumes.volume(0);
            Flux.range(0, 50).flatMap(i -> c.commitVolumes(Set.of(0)), 50).then().block(Duration.ofSeconds(30));
            assertEquals(50, v.forceCount());
            assertEquals(50, c.volumeSyncs());
        }
    }

    @Test
    void alwaysPolicyRunsTheMetadataSyncAfterTheVolumeFsync() {
        Volume v0 = volumes.volume(0);
        List<Long> forcesSeenBySync = new CopyOnWriteArrayList<>();
        Runnable envSync = () -> forcesSeenBySync.add(v0.forceCount());
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.ALWAYS, io)) {
            for (int i = 1; i <= 3; i++) {
                c.commit(Set.of(0), envSync).block(Duration.ofSeconds(10));
                assertEquals(i, forcesSeenBySync.size());
                assertEquals(i, forcesSeenBySync.get(i - 1));
            }
            assertEquals(3, c.metadataSyncs());
        }
    }

    @Test
    void nonePolicyNeverFsyncsNorSyncsMetadata() {
        AtomicInteger syncs = new AtomicInteger();
        Runnable sync = syncs::incrementAndGet;
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.NONE, io)) {
            Flux.range(0, 20).flatMap(i -> c.commit(Set.of(0), sync)).then().block(Duration.ofSeconds(10));
            assertEquals(0, volumes.volume(0).forceCount());
            assertEquals(0, syncs.get());
            assertEquals(20, c.commits());
        }
    }

    @Test
    void metadataSyncRunsOncePerBatchAfterTheVolumeFsyncs() {
        Volume v0 = volumes.volume(0);
        List<Long> forcesSeenBySync = new CopyOnWriteArrayList<>();
        Runnable envSync = () -> forcesSeenBySync.add(v0.forceCount());
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            Flux.range(0, COMMITS).flatMap(i -> c.commit(Set.of(0), envSync), COMMITS).then().block(Duration.ofSeconds(30));
            assertEquals(c.batches(), forcesSeenBySync.size());
            assertTrue(forcesSeenBySync.size() < COMMITS, "metadata synced per commit");
            for (int i = 0; i < forcesSeenBySync.size(); i++) {
                assertEquals(i + 1, forcesSeenBySync.get(i), "batch " + i + " synced metadata before its volume fsync");
            }
        }
    }

    @Test
    void writeCommitTransactionCommitSequenceOrdersVolumeBeforeMetadata() {
        // the store's write path: sector durable, then the NOSYNC transaction, then the metadata sync
        Volume v0 = volumes.volume(0);
        List<String> events = new CopyOnWriteArrayList<>();
        Runnable envSync = () -> events.add("env-sync");
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            c.commitVolumes(Set.of(0))
                    .then(Mono.fromRunnable(() -> events.add("txn after " + v0.forceCount() + " fsync")))
                    .then(c.commitMetadata(envSync))
                    .block(Duration.ofSeconds(10));
            assertEquals(List.of("txn after 1 fsync", "env-sync"), events);
            assertEquals(1, c.metadataSyncs());
        }
    }

    @Test
    void registeredMetadataSyncRunsOncePerBatchEvenForFreshMethodReferences() {
        AtomicInteger syncs = new AtomicInteger();
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            assertThrows(IllegalStateException.class, c::commitMetadata);
            c.registerMetadataSync(syncs::incrementAndGet);
            Flux.range(0, COMMITS).flatMap(i -> i % 2 == 0 ? c.commitMetadata() : c.commitAll(Set.of(0)), COMMITS)
                    .then().block(Duration.ofSeconds(30));
            assertEquals(c.batches(), syncs.get());
            assertTrue(syncs.get() < COMMITS, "metadata synced per commit");
        }
    }

    @Test
    void aCommitArrivingDuringABatchWaitsForTheNextFsync() throws Exception {
        Volume v0 = volumes.volume(0);
        CountDownLatch syncing = new CountDownLatch(1);
        Runnable slowSync = () -> {
            syncing.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            var first = c.commit(Set.of(0), slowSync).toFuture();
            assertTrue(syncing.await(10, TimeUnit.SECONDS));
            assertEquals(1, v0.forceCount()); // batch 1 has fsynced and is in its metadata sync
            dirty(v0, 7); // written after batch 1's fsync: only a later fsync covers it
            c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10));
            assertEquals(2, v0.forceCount(), "a commit was acknowledged by an fsync that started before it");
            first.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void distinctDirtyVolumesAreEachFsyncedOnce() {
        volumes.setState(0, VolumeState.READ_ONLY);
        volumes.allocate(100); // adds volume 1
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.ALWAYS, io)) {
            c.commitVolumes(Set.of(0, 1)).block(Duration.ofSeconds(10));
            assertEquals(1, volumes.volume(0).forceCount());
            assertEquals(1, volumes.volume(1).forceCount());
        }
    }

    @Test
    void aFailingMetadataSyncFailsOnlyTheCommitsThatAskedForIt() {
        Runnable broken = () -> {
            throw new IllegalStateException("MDB_PANIC");
        };
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            ShardException e = assertThrows(ShardException.class,
                    () -> c.commitMetadata(broken).block(Duration.ofSeconds(10)));
            assertEquals(ShardException.Code.INTERNAL, e.code());
            c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10));
            assertEquals(1, volumes.volume(0).forceCount());
        }
    }

    @Test
    void commitOfAnUnknownVolumeFailsWithoutStoppingTheCommitter() {
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            assertThrows(ShardException.class, () -> c.commitVolumes(Set.of(9)).block(Duration.ofSeconds(10)));
            c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10));
            assertEquals(1, volumes.volume(0).forceCount());
        }
    }

    @Test
    void waitersResumeOnTheIoSchedulerNotTheCommitThread() {
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            String thread = c.commitVolumes(Set.of(0))
                    .then(Mono.fromCallable(() -> Thread.currentThread().getName()))
                    .block(Duration.ofSeconds(10));
            assertNotEquals("coffer-group-commit", thread);
            assertTrue(thread.startsWith("test-io"), thread);
        }
    }

    @Test
    void aLoneCommitIsNotDelayedByABatchWindow() {
        try (GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10)); // warm up the thread and the code path
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10));
                best = Math.min(best, System.nanoTime() - t0);
            }
            // an fsync here is ~0.2 ms (LIMITS.md); a timer-based window would add milliseconds to every one
            assertTrue(best < 50_000_000, "idle commit took " + best / 1000 + " us");
        }
    }

    @Test
    void closeCompletesQueuedCommitsAndRejectsLaterOnes() {
        GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io);
        AtomicLong done = new AtomicLong();
        Flux.range(0, 50).flatMap(i -> c.commitVolumes(Set.of(0))).doOnComplete(() -> done.set(1)).subscribe();
        c.close();
        ShardException e = assertThrows(ShardException.class, () -> c.commitVolumes(Set.of(0)).block(Duration.ofSeconds(10)));
        assertEquals(ShardException.Code.UNAVAILABLE, e.code());
        Mono.delay(Duration.ofMillis(200)).block();
        assertEquals(1, done.get());
    }

    @Test
    void fsyncPolicyParsesConfigurationValues() {
        assertEquals(FsyncPolicy.ALWAYS, FsyncPolicy.parse("always"));
        assertEquals(FsyncPolicy.GROUP, FsyncPolicy.parse(" Group "));
        assertEquals(FsyncPolicy.NONE, FsyncPolicy.parse("NONE"));
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse("sometimes"));
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(null));
    }

    @Test
    void transactRunsConcurrentWorkInFewBatchesAfterTheVolumesAndBeforeTheSync() {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"), 1L << 20, 1L << 30);
             GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            Volume v = volumes.volume(0);
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicLong syncs = new AtomicLong();
            c.registerMetadataSync(() -> {
                syncs.incrementAndGet();
                order.add("sync");
                meta.sync();
            });
            c.registerTransactions(meta.env()::writeBatch);
            List<String> workThreads = new CopyOnWriteArrayList<>();
            List<Boolean> results = Flux.range(0, COMMITS)
                    .flatMap(i -> Mono.fromRunnable(() -> dirty(v, i)).subscribeOn(io)
                            .then(c.transact(Set.of(0), () -> {
                                workThreads.add(Thread.currentThread().getName());
                                // every volume fsync of this request's batch happened before its work
                                order.add("work after " + v.forceCount() + " fsyncs");
                                return meta.controlPutIfAbsent("k" + i, new byte[] {i.byteValue()});
                            }, true)), COMMITS)
                    .collectList().block(Duration.ofSeconds(30));
            System.out.printf("transact: %d requests, %d batches, %d volume fsyncs, %d syncs%n",
                    c.commits(), c.batches(), v.forceCount(), syncs.get());
            assertEquals(COMMITS, results.size());
            assertTrue(results.stream().allMatch(Boolean::booleanValue));
            assertTrue(c.batches() < COMMITS, "no batching: " + c.batches() + " batches");
            assertTrue(syncs.get() < COMMITS, "a metadata sync per request: " + syncs.get());
            assertTrue(workThreads.stream().allMatch("coffer-group-commit"::equals), workThreads.toString());
            assertTrue(order.stream().noneMatch("work after 0 fsyncs"::equals), "work ran before any volume fsync");
            for (int i = 0; i < COMMITS; i += 37) {
                assertEquals((byte) i, meta.controlGet("k" + i).orElseThrow()[0]);
            }
        }
    }

    @Test
    void transactFailsOnlyTheRequestWhoseWorkFailed() {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"), 1L << 20, 1L << 30);
             GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            c.registerMetadataSync(meta::sync);
            c.registerTransactions(meta.env()::writeBatch);
            // 20 creates of one bucket race into the same few batches: exactly one wins
            AtomicInteger created = new AtomicInteger();
            AtomicInteger exists = new AtomicInteger();
            Flux.range(0, 20)
                    .flatMap(i -> c.transact(Set.of(), () -> meta.createBucket(
                                    new io.coffer.shard.api.BucketInfo("b", 1L, "", "", java.util.Map.of())), true)
                            .doOnNext(b -> created.incrementAndGet())
                            .onErrorResume(ShardException.class, e -> {
                                if (e.code() == ShardException.Code.BUCKET_EXISTS) {
                                    exists.incrementAndGet();
                                }
                                return Mono.empty();
                            }), 20)
                    .then().block(Duration.ofSeconds(30));
            assertEquals(1, created.get());
            assertEquals(19, exists.get());
            assertTrue(meta.getBucket("b").isPresent());
        }
    }

    @Test
    void transactDoesNotRunWorkWhoseVolumeFailedToFsync() {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"), 1L << 20, 1L << 30);
             GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            c.registerMetadataSync(meta::sync);
            c.registerTransactions(meta.env()::writeBatch);
            AtomicInteger ran = new AtomicInteger();
            assertThrows(ShardException.class, () -> c.transact(Set.of(9), () -> {
                ran.incrementAndGet();
                meta.controlPut("orphan", new byte[] {1});
                return Boolean.TRUE;
            }, true).block(Duration.ofSeconds(10)));
            assertEquals(0, ran.get());
            assertTrue(meta.controlGet("orphan").isEmpty());
            // the committer goes on
            assertEquals(Boolean.TRUE, c.transact(Set.of(0), () -> Boolean.TRUE, false).block(Duration.ofSeconds(10)));
        }
    }

    @Test
    void prewritesRunOnTheCommitThreadBeforeTheirBatchFsyncsTheVolumesTheyDirtied() {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"), 1L << 20, 1L << 30);
             GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            Volume v = volumes.volume(0);
            c.registerMetadataSync(meta::sync);
            c.registerTransactions(meta.env()::writeBatch);
            List<String> prewriteThreads = new CopyOnWriteArrayList<>();
            List<Long> fsyncsBeforeWrite = new CopyOnWriteArrayList<>();
            List<Long> fsyncsBeforeWork = new CopyOnWriteArrayList<>();
            int n = 50;
            List<Boolean> results = Flux.range(0, n)
                    .flatMap(i -> {
                        long[] seen = new long[1];
                        return c.transact(() -> {
                            prewriteThreads.add(Thread.currentThread().getName());
                            seen[0] = v.forceCount();
                            fsyncsBeforeWrite.add(seen[0]);
                            dirty(v, i);
                            return Set.of(0);
                        }, () -> {
                            fsyncsBeforeWork.add(v.forceCount() - seen[0]);
                            return meta.controlPutIfAbsent("p" + i, new byte[] {i.byteValue()});
                        }, true);
                    }, n)
                    .collectList().block(Duration.ofSeconds(30));
            assertEquals(n, results.size());
            assertTrue(prewriteThreads.stream().allMatch("coffer-group-commit"::equals), prewriteThreads.toString());
            // every request's work ran after at least one fsync of the volume its prewrite dirtied
            assertTrue(fsyncsBeforeWork.stream().allMatch(d -> d >= 1), fsyncsBeforeWork.toString());
            assertTrue(c.batches() <= n);
            for (int i = 0; i < n; i += 7) {
                assertEquals((byte) i, meta.controlGet("p" + i).orElseThrow()[0]);
            }
        }
    }

    @Test
    void aFailingPrewriteFailsOnlyItsRequestAndSkipsItsWork() {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            try (MetaStore meta = MetaStore.open(dataDir.resolve("meta-" + policy), 1L << 20, 1L << 30);
                 GroupCommitter c = new GroupCommitter(volumes, policy, io)) {
                c.registerMetadataSync(meta::sync);
                c.registerTransactions(meta.env()::writeBatch);
                AtomicInteger ran = new AtomicInteger();
                Mono<Boolean> failing = c.transact(() -> {
                    throw new ShardException(ShardException.Code.NO_SPACE, "disk full");
                }, () -> {
                    ran.incrementAndGet();
                    return meta.controlPutIfAbsent("never", new byte[] {1});
                }, true);
                Mono<Boolean> fine = c.transact(() -> Set.of(0), () -> meta.controlPutIfAbsent("fine", new byte[] {2}), true);
                ShardException e = assertThrows(ShardException.class, () -> failing.block(Duration.ofSeconds(10)));
                assertEquals(ShardException.Code.NO_SPACE, e.code(), policy.toString());
                assertEquals(Boolean.TRUE, fine.block(Duration.ofSeconds(10)));
                assertEquals(0, ran.get(), policy.toString());
                assertTrue(meta.controlGet("never").isEmpty());
                assertEquals(2, meta.controlGet("fine").orElseThrow()[0]);
            }
        }
    }

    @Test
    void aPrewriteThatThrowsAnErrorFailsItsRequestAndTheCommitThreadGoesOn() {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"), 1L << 20, 1L << 30);
             GroupCommitter c = new GroupCommitter(volumes, FsyncPolicy.GROUP, io)) {
            c.registerMetadataSync(meta::sync);
            c.registerTransactions(meta.env()::writeBatch);
            ShardException e = assertThrows(ShardException.class, () -> c.transact(() -> {
                throw new AssertionError("boom");
            }, () -> Boolean.TRUE, true).block(Duration.ofSeconds(10)));
            assertEquals(ShardException.Code.INTERNAL, e.code());
            assertEquals(Boolean.TRUE, c.transact(() -> Set.of(0), () -> Boolean.TRUE, true).block(Duration.ofSeconds(10)));
        }
    }

    private static void dirty(Volume v, int i) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putInt(0, i);
        v.write(b, Volume.DATA_START + (long) (i % 512) * 4096);
    }
}
