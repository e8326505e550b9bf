package io.coffer.shard.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Cached reads as views of a volume's mapped page cache ({@link MappedReads}), on real volume files. */
class MappedReadsTest {
    private static final long WINDOW = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void cachedBytesAreAReadOnlyViewOfThePageCacheNotACopy() {
        assumeMappedReads();
        try (Volume v = Volume.create(dir, UUID.randomUUID(), 0, 1 << 20, 0)) {
            byte[] data = SectorWriterTest.random(100_000, 7);
            long at = Volume.DATA_START + 12_345;
            v.write(ByteBuffer.wrap(data), at);
            ByteBuffer view = v.sliceIfCached(at, data.length);
            assertNotNull(view, "just-written bytes are in the page cache");
            assertTrue(view.isReadOnly());
            assertTrue(view.isDirect());
            assertArrayEquals(data, bytes(view));
            // a write through the channel shows in the view: it is the page cache itself
            v.write(ByteBuffer.wrap(new byte[] {42, 43}), at + 10);
            assertTrue(view.get(10) == 42 && view.get(11) == 43);
        }
    }

    @Test
    void readsAcrossTwoWindowsOrPastTheCapacityAreNotAnswered() throws IOException {
        assumeMappedReads();
        try (FileChannel ch = filled(4 * WINDOW)) {
            MappedReads reads = new MappedReads(ch, WINDOW);
            assertNotNull(reads.sliceIfCached(WINDOW - 100, 100, 4 * WINDOW));
            assertNull(reads.sliceIfCached(WINDOW - 100, 101, 4 * WINDOW), "crosses into the next window");
            assertNotNull(reads.sliceIfCached(WINDOW, 4096, 4 * WINDOW));
            assertNull(reads.sliceIfCached(3 * WINDOW + 10, 100, 3 * WINDOW + 50), "past the capacity");
            assertNull(reads.sliceIfCached(0, MappedReads.MAX_LENGTH + 1, 4 * WINDOW), "longer than a read may be");
            assertNull(reads.sliceIfCached(0, 0, 4 * WINDOW));
        }
    }

    @Test
    void aPartialLastWindowIsMappedAgainWhenTheVolumeGrew() throws IOException {
        assumeMappedReads();
        try (FileChannel ch = filled(WINDOW)) {
            MappedReads reads = new MappedReads(ch, 4 * WINDOW);
            ByteBuffer early = reads.sliceIfCached(100, 1000, WINDOW);
            assertNotNull(early);
            assertNull(reads.sliceIfCached(WINDOW + 100, 1000, WINDOW), "past the capacity it was told");
            byte[] more = SectorWriterTest.random((int) WINDOW, 9);
            ch.write(ByteBuffer.wrap(more), WINDOW); // the volume grew
            ByteBuffer later = reads.sliceIfCached(WINDOW + 100, 1000, 2 * WINDOW);
            assertNotNull(later, "the window is mapped again over the new capacity");
            assertArrayEquals(Arrays.copyOfRange(more, 100, 1100), bytes(later));
            // the first mapping lives on under the slice taken from it
            assertArrayEquals(Arrays.copyOfRange(pattern((int) WINDOW), 100, 1100), bytes(early));
        }
    }

    @Test
    void bytesMissingFromThePageCacheAreNotAnswered() throws IOException, InterruptedException {
        assumeMappedReads();
        Path file = dir.resolve("cold");
        try (FileChannel ch = filled(file, 4 * WINDOW)) {
            ch.force(true); // only clean pages can be dropped
            MappedReads reads = new MappedReads(ch, 4 * WINDOW);
            boolean sawMiss = false;
            // DONTNEED cannot evict pages parked in another CPU's LRU batch, nor part of a large folio (the
            // whole file is dropped for that): a few rounds until one takes
            for (int round = 0; round < 5 && !sawMiss; round++) {
                if (!PageCacheDrop.drop(file, 0, 4 * WINDOW)) {
                    return; // no posix_fadvise here: nothing to drop, nothing to assert
                }
                Thread.sleep(20L * round);
                sawMiss = reads.sliceIfCached(WINDOW + 4096, 8192, 4 * WINDOW) == null;
            }
            assertTrue(sawMiss, "no round met an uncached page");
        }
    }

    @Test
    void aViewOutlivesItsVolumeAndAClosedVolumeAnswersNothing() {
        assumeMappedReads();
        Volume v = Volume.create(dir, UUID.randomUUID(), 0, 1 << 20, 0);
        byte[] data = SectorWriterTest.random(70_000, 3);
        v.write(ByteBuffer.wrap(data), Volume.DATA_START);
        ByteBuffer view = v.sliceIfCached(Volume.DATA_START, data.length);
        assertNotNull(view);
        v.close();
        assertArrayEquals(data, bytes(view), "a GET still sending the view reads valid bytes");
        assertNull(v.sliceIfCached(Volume.DATA_START, data.length));
    }

    private static void assumeMappedReads() {
        assumeTrue(MappedReads.available(), "mincore is unavailable here; reads copy");
    }

    private FileChannel filled(long size) throws IOException {
        return filled(dir.resolve("f"), size);
    }

    private static FileChannel filled(Path file, long size) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(pattern((int) size)), 0);
        return ch;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
