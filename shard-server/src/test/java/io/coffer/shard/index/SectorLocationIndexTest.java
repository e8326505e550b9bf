package io.coffer.shard.index;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.volume.Extent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectorLocationIndexTest {
    @TempDir
    Path dir;

    private final AtomicInteger sourceCalls = new AtomicInteger();

    @Test
    void putThenGetReturnsTheSameExtent() {
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 100, empty())) {
            SectorId id = SectorId.random();
            Extent e = new Extent(2, 4096 + 512 * 9, 4112);
            idx.put(id, e);
            assertEquals(e, idx.get(id));
            assertEquals(e, idx.get(id.hi(), id.lo()));
            assertNull(idx.get(SectorId.random()));
            assertEquals(1, idx.size());
        }
    }

    @Test
    void putReplacesAndRemoveDeletes() {
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 100, empty())) {
            SectorId id = SectorId.random();
            idx.put(id, new Extent(0, 4096, 10));
            idx.put(id, new Extent(1, 8192, 20));
            assertEquals(new Extent(1, 8192, 20), idx.get(id));
            assertTrue(idx.remove(id));
            assertFalse(idx.remove(id));
            assertNull(idx.get(id));
            assertEquals(0, idx.size());
        }
    }

    @Test
    void cleanReopenKeepsEntriesWithoutRebuilding() {
        Map<SectorId, Extent> entries = entries(500, 1);
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, empty())) {
            assertTrue(idx.rebuiltAtOpen(), "a new index is built from the source");
            entries.forEach(idx::put);
        }
        assertTrue(Files.exists(dir.resolve(SectorLocationIndex.CLEAN_MARKER)));
        int callsBefore = sourceCalls.get();
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, failingSource())) {
            assertFalse(idx.rebuiltAtOpen());
            assertFalse(Files.exists(dir.resolve(SectorLocationIndex.CLEAN_MARKER)), "marker must go while open");
            entries.forEach((id, e) -> assertEquals(e, idx.get(id)));
            assertEquals(entries.size(), idx.size());
        }
        assertEquals(callsBefore, sourceCalls.get());
    }

    @Test
    void missingCleanMarkerRebuildsFromTheSource() throws Exception {
        Map<SectorId, Extent> truth = entries(300, 2);
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, empty())) {
            truth.forEach(idx::put);
            idx.put(SectorId.random(), new Extent(0, 4096, 1)); // an entry LMDB no longer has
        }
        Files.delete(dir.resolve(SectorLocationIndex.CLEAN_MARKER));
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, source(truth))) {
            assertTrue(idx.rebuiltAtOpen());
            assertEquals(truth.size(), idx.size());
            truth.forEach((id, e) -> assertEquals(e, idx.get(id)));
        }
    }

    @Test
    void processDeathWithoutCloseRebuildsFromTheSource() {
        Map<SectorId, Extent> truth = entries(300, 3);
        SectorLocationIndex crashed = SectorLocationIndex.open(dir, 1000, empty());
        truth.forEach(crashed::put);
        SectorId stale = SectorId.random();
        crashed.put(stale, new Extent(0, 4096, 1));
        // no close(): like kill -9, the marker is never written
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, source(truth))) {
            assertTrue(idx.rebuiltAtOpen());
            assertNull(idx.get(stale));
            truth.forEach((id, e) -> assertEquals(e, idx.get(id)));
        }
    }

    @Test
    void unreadableMapDespiteACleanMarkerIsRebuilt() throws Exception {
        Map<SectorId, Extent> truth = entries(100, 6);
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, source(truth))) {
            assertEquals(100, idx.size());
        }
        Path map;
        try (var files = Files.list(dir)) {
            map = files.filter(f -> f.toString().endsWith(".cm")).findFirst().orElseThrow();
        }
        byte[] junk = new byte[8192];
        new Random(9).nextBytes(junk);
        Files.write(map, junk);
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 1000, source(truth))) {
            assertTrue(idx.rebuiltAtOpen());
            truth.forEach((id, e) -> assertEquals(e, idx.get(id)));
        }
    }

    @Test
    void growsIntoABiggerMapWhenNearlyFullAndKeepsEveryEntry() {
        long min = 1024;
        int n = 3000;
        Map<SectorId, Extent> entries = entries(n, 4);
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 10, min, empty())) {
            long initial = idx.capacity();
            assertEquals(min, initial);
            entries.forEach(idx::put);
            assertTrue(idx.capacity() > initial, "capacity stayed " + idx.capacity());
            assertEquals(n, idx.size());
            entries.forEach((id, e) -> assertEquals(e, idx.get(id)));
        }
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 10, failingSource())) {
            assertFalse(idx.rebuiltAtOpen());
            assertEquals(n, idx.size());
            assertTrue(idx.capacity() >= 4 * min, "capacity " + idx.capacity());
        }
    }

    @Test
    void rebuildSizesTheMapFromTheExpectedEntries() {
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 100_000, empty())) {
            assertEquals(200_000, idx.capacity());
        }
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir.resolve("small"), 10, empty())) {
            assertEquals(SectorLocationIndex.MIN_ENTRIES, idx.capacity());
        }
    }

    @Test
    void concurrentPutsAndGetsSeeConsistentLocations() throws Exception {
        Map<SectorId, Extent> entries = entries(4000, 5);
        List<Map.Entry<SectorId, Extent>> list = new ArrayList<>(entries.entrySet());
        try (SectorLocationIndex idx = SectorLocationIndex.open(dir, 10, 1024, empty())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                fs.add(pool.submit(() -> {
                    for (int i = part; i < list.size(); i += 4) {
                        idx.put(list.get(i).getKey(), list.get(i).getValue());
                        Extent back = idx.get(list.get(i).getKey());
                        assertEquals(list.get(i).getValue(), back);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(entries.size(), idx.size());
            entries.forEach((id, e) -> assertEquals(e, idx.get(id)));
        }
    }

    @Test
    void useAfterCloseIsAnErrorNotACrash() {
        SectorLocationIndex idx = SectorLocationIndex.open(dir, 10, empty());
        idx.close();
        ShardException e = assertThrows(ShardException.class, () -> idx.get(SectorId.random()));
        assertEquals(ShardException.Code.UNAVAILABLE, e.code());
        idx.close(); // idempotent
    }

    private Supplier<Iterator<Map.Entry<SectorId, Extent>>> empty() {
        return source(Map.of());
    }

    private Supplier<Iterator<Map.Entry<SectorId, Extent>>> source(Map<SectorId, Extent> truth) {
        return () -> {
            sourceCalls.incrementAndGet();
            return truth.entrySet().stream()
                    .<Map.Entry<SectorId, Extent>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()))
                    .iterator();
        };
    }

    private Supplier<Iterator<Map.Entry<SectorId, Extent>>> failingSource() {
        return () -> {
            sourceCalls.incrementAndGet();
            return Collections.emptyIterator();
        };
    }

    private static Map<SectorId, Extent> entries(int n, long seed) {
        Random r = new Random(seed);
        Map<SectorId, Extent> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(new SectorId(r.nextLong(), r.nextLong()), new Extent(r.nextInt(4), 4096 + 512L * r.nextInt(1 << 20), 1 + r.nextInt(4 << 20)));
        }
        return m;
    }
}
