package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtentAllocatorTest {
    private static final long START = Volume.DATA_START;
    /** An encrypted 4 KiB object: 4096 bytes of ciphertext plus a 16-byte GCM tag. */
    private static final int ENCRYPTED_4K = 4096 + 16;

    @Test
    void allocateReturnsAlignedExtentsOfTheRequestedLength() {
        ExtentAllocator a = new ExtentAllocator(3, START, START + (1 << 20));
        Extent x = a.allocate(100);
        Extent y = a.allocate(ENCRYPTED_4K);
        assertEquals(3, x.volumeIndex());
        assertEquals(100, x.length());
        assertEquals(ENCRYPTED_4K, y.length());
        assertEquals(0, x.offset() % ExtentAllocator.ALIGNMENT);
        assertEquals(0, y.offset() % ExtentAllocator.ALIGNMENT);
        assertTrue(x.offset() >= START);
        assertTrue(y.offset() >= x.offset() + 128 || x.offset() >= y.offset() + 4160);
        assertEquals(128 + 4160, a.used());
        assertEquals(4160, ExtentAllocator.reserved(ENCRYPTED_4K));
    }

    @Test
    void freedSpaceIsReusedByTheNextAllocation() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + 64 * 1024);
        Extent first = a.allocate(8192);
        a.allocate(8192);
        a.free(first);
        Extent again = a.allocate(4096);
        assertEquals(first.offset(), again.offset());
    }

    @Test
    void freeCoalescesNeighboursIntoOneSpan() {
        long cap = 16 * 1024;
        ExtentAllocator a = new ExtentAllocator(0, START, START + cap);
        Extent x = a.allocate(4096);
        Extent y = a.allocate(4096);
        Extent z = a.allocate(4096);
        assertEquals(1, a.freeSpans()); // the tail
        a.free(x);
        a.free(z); // merges with the tail
        assertEquals(2, a.freeSpans());
        a.free(y); // bridges x and z+tail
        assertEquals(1, a.freeSpans());
        assertEquals(cap, a.largestFree());
        assertEquals(0, a.used());
        assertEquals(START, a.allocate(cap).offset());
    }

    @Test
    void doubleFreeIsRejected() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + 64 * 1024);
        Extent x = a.allocate(1000);
        a.allocate(1000);
        a.free(x);
        assertThrows(IllegalStateException.class, () -> a.free(x));
        assertEquals(1024, a.used());
    }

    @Test
    void markUsedCarvesOutTheExtentAndRejectsOverlap() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + 64 * 1024);
        Extent mid = new Extent(0, START + 8192, 4096);
        a.markUsed(mid);
        assertEquals(4096, a.used());
        assertThrows(IllegalStateException.class, () -> a.markUsed(new Extent(0, START + 8192 + 64, 100)));
        for (int i = 0; i < 15; i++) {
            Extent e = a.allocate(4096);
            assertTrue(e.end() <= mid.offset() || e.offset() >= mid.end(), "overlaps the marked extent: " + e);
        }
        assertNull(a.tryAllocate(1));
    }

    @Test
    void exhaustedVolumeThrowsNoSpace() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + 8192);
        a.allocate(8192);
        ShardException e = assertThrows(ShardException.class, () -> a.allocate(1));
        assertEquals(ShardException.Code.NO_SPACE, e.code());
    }

    @Test
    void growAddsSpaceAtTheEndAndMergesWithAFreeTail() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + 8192);
        a.allocate(4096);
        a.grow(START + 16384);
        assertEquals(1, a.freeSpans());
        assertEquals(12288, a.free());
        assertEquals(12288, a.allocate(12288).length());
    }

    @Test
    void concurrentAllocationNeverHandsOutTheSameBytesTwice() throws Exception {
        long cap = 512L << 20;
        ExtentAllocator a = new ExtentAllocator(0, START, START + cap);
        int threads = 8;
        ConcurrentLinkedQueue<Extent> live = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                Random r = new Random(seed);
                List<Extent> mine = new ArrayList<>();
                go.await();
                for (int i = 0; i < 3000; i++) {
                    mine.add(a.allocate(1 + r.nextInt(20_000)));
                    if (r.nextInt(3) == 0) {
                        a.free(mine.remove(r.nextInt(mine.size())));
                    }
                }
                live.addAll(mine);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<Extent> all = new ArrayList<>(live);
        all.sort(Comparator.comparingLong(Extent::offset));
        long reserved = 0;
        for (int i = 0; i < all.size(); i++) {
            Extent e = all.get(i);
            reserved += ExtentAllocator.reserved(e.length());
            if (i > 0) {
                Extent prev = all.get(i - 1);
                assertTrue(prev.offset() + ExtentAllocator.reserved(prev.length()) <= e.offset(),
                        "overlap: " + prev + " and " + e);
            }
        }
        assertEquals(reserved, a.used());
        assertEquals(cap - reserved, a.free());
    }

    @Test
    void hundredThousandEncryptedFourKibSectorsUseAtMost1_3xTheirBytes() {
        int n = 100_000;
        long payload = (long) n * ENCRYPTED_4K;
        ExtentAllocator a = new ExtentAllocator(0, START, START + 2 * payload);
        List<Extent> extents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            extents.add(a.allocate(ENCRYPTED_4K));
        }
        assertTrue(a.used() <= 1.3 * payload, "used " + a.used() + " for " + payload);
        assertTrue(highWater(extents) - START <= 1.3 * payload, "footprint " + (highWater(extents) - START));

        // Churn like deletes followed by new PUTs: freed slots are reused, the footprint does not grow.
        long before = highWater(extents);
        Collections.shuffle(extents, new Random(7));
        List<Extent> kept = new ArrayList<>(extents.subList(n / 3, n));
        for (Extent e : extents.subList(0, n / 3)) {
            a.free(e);
        }
        for (int i = 0; i < n / 3; i++) {
            kept.add(a.allocate(ENCRYPTED_4K));
        }
        assertEquals(before, highWater(kept));
        assertTrue(a.used() <= 1.3 * payload);
    }

    @Test
    void bestFitKeepsLargeHolesForLargeSectors() {
        ExtentAllocator a = new ExtentAllocator(0, START, START + (4 << 20));
        Extent small = a.allocate(4096);
        a.allocate(512);
        Extent big = a.allocate(1 << 20);
        a.allocate(512);
        a.free(small);
        a.free(big);
        // a 4 KiB sector goes into the 4 KiB hole, not the front of the 1 MiB one
        assertEquals(small.offset(), a.allocate(4000).offset());
        assertNotNull(a.tryAllocate(1 << 20));
    }

    private static long highWater(List<Extent> extents) {
        long max = 0;
        for (Extent e : extents) {
            max = Math.max(max, e.offset() + ExtentAllocator.reserved(e.length()));
        }
        return max;
    }
}
