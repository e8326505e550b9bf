package io.coffer.shard.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.wire.ClusterSecret;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Crash consistency of a real shard process: a child JVM serves a shard (group commit, real fsync)
 * while several threads write sectors and versions through {@link RemoteShard}; after a given number
 * of acknowledgements the child is killed with SIGKILL and restarted on the same data directory.
 *
 * <p>Then: every acknowledged version reads back byte-for-byte; no version that was never attempted
 * is visible, and a version that was in flight at the kill (its ack lost) may be visible only whole;
 * acknowledged but unreferenced (temporary) sectors are reclaimed once their short TTL passes.
 */
class ShardCrashTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String BUCKET = "crash";
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** A write whose ack came back: what must survive. */
    record Acked(ObjectVersion version, byte[] bytes) { }

    /**
     * Three lives of one shard, each ended by SIGKILL at a different point (after 8, 40 and 120
     * acknowledgements: early with most writes in flight, then deeper with 2 MiB sectors in flight);
     * every restart first checks everything acknowledged so far, so recovery of an already recovered
     * store is covered too. The fourth start runs with a 1 s TTL and checks reclaim.
     */
    @Test
    void acknowledgedWritesSurviveRepeatedKillDashNine() throws Exception {
        int[] killAfterAcks = {8, 40, 120};
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        String secretText = HexFormat.of().formatHex(key);
        ClusterSecret secret = ClusterSecret.of(secretText);

        Map<String, Acked> acked = new ConcurrentHashMap<>();
        Map<String, byte[]> attempted = new ConcurrentHashMap<>();
        Set<SectorId> orphanSectors = ConcurrentHashMap.newKeySet();
        Map<String, String> writingEnv = Map.of("COFFER_FSYNC", "group");

        for (int life = 0; life < killAfterAcks.length; life++) {
            try (ShardProcess child = ShardProcess.start(dir, secretText, writingEnv)) {
                long t0 = System.nanoTime();
                int port = child.awaitPort(120);
                System.out.printf("crash life %d: up in %d ms%n", life, (System.nanoTime() - t0) / 1_000_000);
                try (RemoteShard shard = RemoteShard.connect("127.0.0.1", port, secret).block(T)) {
                    if (life == 0) {
                        shard.createBucket(new BucketInfo(BUCKET, System.currentTimeMillis(), "", "Enabled", null))
                                .block(T);
                    } else {
                        verifySurvivors(shard, acked, attempted);
                    }
                    AtomicInteger acks = new AtomicInteger();
                    List<Thread> writers = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        String prefix = "l" + life + "/w" + w + "/";
                        long seed = life * 31L + w;
                        Thread t = new Thread(() -> write(shard, prefix, seed, acked, attempted, orphanSectors, acks),
                                "crash-writer-" + w);
                        t.start();
                        writers.add(t);
                    }
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (acks.get() < killAfterAcks[life] && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    assertTrue(acks.get() >= killAfterAcks[life], "writers made too little progress: " + acks.get());
                    child.kill();
                    System.out.printf("crash life %d: killed after %d acks%n", life, acks.get());
                    for (Thread t : writers) {
                        t.join(T.toMillis());
                        assertFalse(t.isAlive(), "a writer did not notice the dead shard");
                    }
                }
            }
        }
        assertFalse(acked.isEmpty(), "no version was acknowledged before the kills");

        Map<String, String> reclaimEnv = Map.of("COFFER_FSYNC", "group",
                "COFFER_TEMP_SECTOR_TTL", "1s", "COFFER_RECLAIM_INTERVAL", "300ms");
        try (ShardProcess last = ShardProcess.start(dir, secretText, reclaimEnv)) {
            int port = last.awaitPort(120);
            try (RemoteShard shard = RemoteShard.connect("127.0.0.1", port, secret).block(T)) {
                verifySurvivors(shard, acked, attempted);
                // temporary sectors (acknowledged but never referenced, or cut off mid-write) expire
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (shard.stats().block(T).temporarySectors() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(0, shard.stats().block(T).temporarySectors(), "temporary sectors left after TTL");
                assertFalse(orphanSectors.isEmpty());
                for (SectorId orphan : orphanSectors) {
                    assertEquals(Optional.empty(), shard.sectorInfo(orphan).block(T), "orphan " + orphan);
                }
                for (Acked a : acked.values()) {
                    assertTrue(shard.sectorInfo(a.version().sectors().get(0).id()).block(T).orElseThrow().committed());
                }
                System.out.printf("crash: %d acknowledged versions and %d orphan sectors checked%n", acked.size(),
                        orphanSectors.size());
            }
            int exit = last.stop();
            // 143 = terminated by SIGTERM after the shutdown hook closed the store
            assertTrue(exit == 143 || exit == 0, "shard exit code after SIGTERM: " + exit + "\n" + last.output());
        }
        // the engine's own cross-check of references, sector states and extents over the survivors
        try (ShardStore store = ShardStore.open(dir, ShardConfig.forTests())) {
            assertEquals(List.of(), store.meta().audit(100));
        }
    }

    /** Every acknowledged version reads back whole; anything else visible was in flight and is whole too. */
    private static void verifySurvivors(RemoteShard shard, Map<String, Acked> acked, Map<String, byte[]> attempted) {
        for (Acked a : acked.values()) {
            ObjectVersion v = a.version();
            ObjectVersion got = shard.getVersion(BUCKET, v.key(), v.versionId()).block(T)
                    .orElseThrow(() -> new AssertionError("acknowledged version lost: " + v.key()));
            assertEquals(v.generation(), got.generation());
            assertArrayEquals(v.manifest(), got.manifest());
            assertArrayEquals(a.bytes(), read(shard, got.sectors().get(0).id()), "bytes of " + v.key());
        }
        List<ListEntry> visible = listAll(shard);
        for (ListEntry e : visible) {
            if (acked.containsKey(e.key())) {
                continue;
            }
            byte[] inFlight = attempted.get(e.key());
            if (inFlight == null) {
                fail("a version that was never written is visible: " + e.key());
            }
            // its ack was lost in the kill, but if it committed it must be whole
            assertArrayEquals(inFlight, read(shard, e.version().sectors().get(0).id()), "bytes of " + e.key());
        }
        assertTrue(visible.size() >= acked.size());
    }

    /** Writes until the shard dies: a sector, then (usually) a version that references it. */
    private static void write(RemoteShard shard, String prefix, long seed, Map<String, Acked> acked,
                              Map<String, byte[]> attempted, Set<SectorId> orphanSectors, AtomicInteger acks) {
        Random random = new Random(seed);
        try {
            for (int i = 0; ; i++) {
                int size = i % 10 == 9 ? 2 * 1024 * 1024 + random.nextInt(1000) : 1 + random.nextInt(200_000);
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                SectorId id = SectorId.random();
                shard.putSector(id, size, chunks(bytes)).block(T);
                acks.incrementAndGet();
                if (i % 4 == 3) {
                    orphanSectors.add(id); // never referenced: must be reclaimed after the restart
                    continue;
                }
                String key = prefix + "k" + i;
                long gen = shard.nextGeneration(BUCKET, 0).block(T);
                ObjectVersion v = new ObjectVersion(BUCKET, key, "v" + gen, gen, false, size, "etag-" + key,
                        System.currentTimeMillis(), null, List.of(new SectorRef(id, size)),
                        ("manifest:" + key).getBytes(StandardCharsets.UTF_8));
                attempted.put(key, bytes);
                shard.putVersion(v, PutCondition.NONE, false).block(T);
                acked.put(key, new Acked(v, bytes));
                acks.incrementAndGet();
            }
        } catch (ShardException e) {
            if (e.code() != ShardException.Code.UNAVAILABLE) {
                throw e;
            }
        }
    }

    private static Flux<ByteBuf> chunks(byte[] bytes) {
        int chunk = 64 * 1024;
        return Flux.range(0, (bytes.length + chunk - 1) / chunk)
                .map(i -> Unpooled.copiedBuffer(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)));
    }

    private static byte[] read(RemoteShard shard, SectorId id) {
        return shard.readSector(id, 0, -1).collect(ByteArrayOutputStream::new, (out, buf) -> {
            try {
                buf.readBytes(out, buf.readableBytes());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                buf.release();
            }
        }).map(ByteArrayOutputStream::toByteArray).block(T);
    }

    private static List<ListEntry> listAll(RemoteShard shard) {
        List<ListEntry> all = new ArrayList<>();
        String after = "";
        while (true) {
            ListPage page = shard.list(ListRequest.objects(BUCKET, "", after, "", 500)).block(T);
            all.addAll(page.entries());
            if (!page.truncated()) {
                return all;
            }
            after = page.nextKey();
        }
    }
}
