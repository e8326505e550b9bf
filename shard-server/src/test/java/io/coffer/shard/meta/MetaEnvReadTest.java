package io.coffer.shard.meta;

import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.ShardException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.meta.MetaFixture.bucket;
import static io.coffer.shard.meta.MetaFixture.put;
import static io.coffer.shard.meta.MetaFixture.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-thread read transactions of {@link MetaEnv}: reset between reads, renewed for the next. */
class MetaEnvReadTest {
    @TempDir
    Path dir;

    private static long newestGeneration(MetaStore meta, String key) {
        return meta.getVersion("b", key, null).orElseThrow().generation();
    }

    @Test
    void readsOnACachedTransactionSeeTheNewestCommittedWrite() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "k", "v1", 1));
            // the same thread, and another long-lived thread, each keep their transaction between reads
            assertEquals(1, newestGeneration(meta, "k"));
            assertEquals(1L, reader.submit(() -> newestGeneration(meta, "k")).get());
            for (long g = 2; g <= 20; g++) {
                put(meta, version("b", "k", "v" + g, g));
                assertEquals(g, newestGeneration(meta, "k"));
                long seen = reader.submit(() -> newestGeneration(meta, "k")).get();
                assertEquals(g, seen, "a renewed transaction must not keep an old snapshot");
            }
            meta.deleteVersion("b", "k", null);
            assertEquals(19, reader.submit(() -> newestGeneration(meta, "k")).get());
            assertEquals(2, meta.env().cachedReadTransactions());
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void getVersionFindsAnOlderVersionByIdAndNotAMissingOne() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            for (long g = 1; g <= 5; g++) {
                put(meta, version("b", "k", "v" + g, g));
            }
            put(meta, version("b", "k2", "other", 9));
            assertEquals(3, meta.getVersion("b", "k", "v3").orElseThrow().generation());
            assertEquals(5, meta.getVersion("b", "k", null).orElseThrow().generation());
            assertTrue(meta.getVersion("b", "k", "other").isEmpty(), "a version id of the next key is not this key's");
            assertTrue(meta.getVersion("b", "nope", null).isEmpty());
        }
    }

    @Test
    void aReadNestedInAReadOnTheSameThreadWorks() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "k", "v1", 1));
            Optional<ObjectVersion> inner = meta.env().read(txn -> meta.getVersion("b", "k", null));
            assertEquals("v1", inner.orElseThrow().versionId());
            // the outer transaction was reset properly: the next read is fine too
            assertEquals(1, newestGeneration(meta, "k"));
        }
    }

    @Test
    void twoCursorsOnOneTableInOneReadMoveIndependentlyAndCachedOnesRenewEachRead() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "a", "v1", 1));
            put(meta, version("b", "z", "v1", 2));
            for (int round = 0; round < 3; round++) {
                List<String> seen = meta.env().read(txn -> {
                    List<String> out = new ArrayList<>();
                    try (TableCursor first = meta.env().versions.openCursor(txn);
                         TableCursor second = meta.env().versions.openCursor(txn)) {
                        assertTrue(first.first());
                        assertTrue(second.first());
                        assertTrue(second.next());
                        out.add(VersionCodec.decode(first.val()).key());
                        out.add(VersionCodec.decode(second.val()).key());
                    }
                    return out;
                });
                assertEquals(List.of("a", round == 0 ? "z" : "m0"), seen);
                // a write between reads: the cached cursor must see it in the next read
                put(meta, version("b", "m" + round, "v1", 10 + round));
                long rows = meta.env().read(txn -> {
                    long n = 0;
                    try (TableCursor c = meta.env().versions.openCursor(txn)) {
                        for (boolean ok = c.first(); ok; ok = c.next()) {
                            n++;
                        }
                    }
                    return n;
                });
                assertEquals(3 + round, rows);
            }
        }
    }

    @Test
    void cachedReadersKeepWorkingWhileTheMapGrows() throws Exception {
        int readers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try (MetaStore meta = MetaStore.open(dir, MetaFixture.MIB, 1L << 34)) {
            meta.createBucket(bucket("b"));
            put(meta, big(0));
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Integer>> reads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                reads.add(pool.submit(() -> {
                    int n = 0;
                    while (writing.get() || n == 0) {
                        // key-0 was written first and never changes: every read must see it whole
                        assertArrayEquals(big(0).manifest(), meta.getVersion("b", "key-0", null).orElseThrow().manifest());
                        n++;
                    }
                    return n;
                }));
            }
            for (int i = 1; i < 1500; i++) { // 1 MiB holds a few hundred of these: the map must grow
                put(meta, big(i));
            }
            writing.set(false);
            for (Future<Integer> f : reads) {
                assertTrue(f.get(60, TimeUnit.SECONDS) > 0);
            }
            assertTrue(meta.env().growths() > 0, "the map never grew, so the test proves nothing");
            for (int i = 0; i < 1500; i += 101) {
                assertArrayEquals(big(i).manifest(), meta.getVersion("b", "key-" + i, null).orElseThrow().manifest());
            }
            // after the growth, the cached transactions of the pool threads still serve reads
            for (int r = 0; r < readers * 4; r++) {
                assertEquals(1500L, pool.submit(() -> newestGeneration(meta, "key-1499")).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWithCachedTransactionsOfLiveThreadsFreesThemAndLaterReadsFailCleanly() throws Exception {
        int threads = 8;
        CountDownLatch cached = new CountDownLatch(threads);
        CountDownLatch closed = new CountDownLatch(1);
        List<Thread> alive = new ArrayList<>();
        List<AtomicReference<Throwable>> afterClose = new ArrayList<>();
        MetaStore meta = MetaFixture.open(dir);
        meta.createBucket(bucket("b"));
        put(meta, version("b", "k", "v1", 1));
        for (int t = 0; t < threads; t++) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            afterClose.add(outcome);
            Thread th = new Thread(() -> {
                meta.getVersion("b", "k", null);
                cached.countDown();
                try {
                    closed.await();
                    meta.getVersion("b", "k", null);
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            alive.add(th);
            th.start();
        }
        assertTrue(cached.await(30, TimeUnit.SECONDS));
        assertEquals(threads, meta.env().cachedReadTransactions());
        meta.close();
        assertEquals(0, meta.env().cachedReadTransactions());
        closed.countDown();
        for (Thread th : alive) {
            th.join(30_000);
        }
        for (AtomicReference<Throwable> outcome : afterClose) {
            ShardException e = assertInstanceOfShardException(outcome.get());
            assertEquals(ShardException.Code.UNAVAILABLE, e.code());
        }
        meta.close(); // a second close is a no-op
        // the environment closed cleanly: it reopens with the data and no stale readers in the way
        try (MetaStore again = MetaFixture.open(dir)) {
            assertEquals(1, newestGeneration(again, "k"));
        }
    }

    @Test
    void transactionsOfDeadThreadsAreGivenBack() throws Exception {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "k", "v1", 1));
            for (int round = 0; round < 3; round++) {
                List<Thread> shortLived = new ArrayList<>();
                for (int t = 0; t < 20; t++) {
                    Thread th = new Thread(() -> meta.getVersion("b", "k", null));
                    shortLived.add(th);
                    th.start();
                }
                for (Thread th : shortLived) {
                    th.join(30_000);
                }
            }
            assertTrue(meta.env().cachedReadTransactions() <= 60);
            // a new thread's first read sweeps the dead ones' transactions
            Thread fresh = new Thread(() -> meta.getVersion("b", "k", null));
            fresh.start();
            fresh.join(30_000);
            assertEquals(1, meta.env().cachedReadTransactions(), "only the fresh (now dead) thread's is left");
        }
    }

    @Test
    void moreThreadsThanTheCacheHoldsStillRead() throws Exception {
        int threads = MetaEnv.MAX_CACHED_READS + 20;
        CountDownLatch done = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        List<AtomicReference<Object>> results = new ArrayList<>();
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "k", "v1", 1));
            for (int t = 0; t < threads; t++) {
                AtomicReference<Object> result = new AtomicReference<>();
                results.add(result);
                Thread th = new Thread(() -> {
                    try {
                        result.set(meta.getVersion("b", "k", null).orElseThrow().versionId());
                    } catch (Throwable e) {
                        result.set(e);
                    }
                    done.countDown();
                    try {
                        release.await(); // stay alive, so no transaction can be swept
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                all.add(th);
                th.start();
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            for (AtomicReference<Object> r : results) {
                assertEquals("v1", r.get());
            }
            assertEquals(MetaEnv.MAX_CACHED_READS, meta.env().cachedReadTransactions());
        } finally {
            release.countDown();
            for (Thread th : all) {
                th.join(30_000);
            }
        }
    }

    @Test
    void manyThreadsReadingWhileOneWritesNeverSeeTimeGoBackwards() throws Exception {
        int keys = 50;
        int readers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            for (int k = 0; k < keys; k++) {
                put(meta, version("b", "k" + k, "g1", 1));
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Long>> reads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                reads.add(pool.submit(() -> {
                    long[] newest = new long[keys];
                    long n = 0;
                    while (writing.get() || n < 300) {
                        int k = ThreadLocalRandom.current().nextInt(keys);
                        ObjectVersion v = meta.getVersion("b", "k" + k, null).orElseThrow();
                        assertEquals("k" + k, v.key());
                        assertTrue(v.generation() >= newest[k], "snapshot went backwards for k" + k);
                        newest[k] = v.generation();
                        n++;
                    }
                    return n;
                }));
            }
            for (long g = 2; g <= 200; g++) {
                int k = (int) (g % keys);
                meta.putVersion(version("b", "k" + k, "g" + g, g), PutCondition.NONE, false);
            }
            writing.set(false);
            for (Future<Long> f : reads) {
                assertTrue(f.get(60, TimeUnit.SECONDS) >= 300);
            }
            for (int k = 0; k < keys; k++) {
                long expected = k == 0 ? 200 : 150 + k; // the last g <= 200 with g % 50 == k
                assertEquals(expected, newestGeneration(meta, "k" + k));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ObjectVersion big(int i) {
        byte[] manifest = new byte[2048];
        manifest[0] = (byte) i;
        manifest[2047] = (byte) (i >> 8);
        return new ObjectVersion("b", "key-" + i, "v", i + 1, false, 1, "e", 1, null, List.of(), manifest);
    }

    private static ShardException assertInstanceOfShardException(Throwable t) {
        assertTrue(t instanceof ShardException, "expected a ShardException, got " + t);
        return (ShardException) t;
    }

    @Test
    void closeFromAnotherThreadThanTheReadersLeavesNothingBehind() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        MetaStore meta = MetaFixture.open(dir);
        try {
            meta.createBucket(bucket("b"));
            put(meta, version("b", "k", "v1", 1));
            for (int i = 0; i < 12; i++) {
                pool.submit(() -> meta.getVersion("b", "k", null)).get();
            }
            assertTrue(meta.env().cachedReadTransactions() <= 3);
            Thread closer = new Thread(meta::close);
            closer.start();
            closer.join(30_000);
            assertEquals(0, meta.env().cachedReadTransactions());
            Future<?> late = pool.submit(() -> meta.getVersion("b", "k", null));
            Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, late::get).getCause();
            assertEquals(ShardException.Code.UNAVAILABLE, assertInstanceOfShardException(cause).code());
        } finally {
            pool.shutdownNow();
            meta.close();
        }
    }
}
