package io.coffer.crypto.segment;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentArraysTest {
    private static final int LENGTH = SegmentLayout.DEFAULT.storedSegmentSize();

    @Test
    void aReleasedBufferGivesItsArrayToTheNextOne() {
        SegmentArrays arrays = new SegmentArrays(LENGTH, 4);
        ByteBuf a = arrays.heapBuffer(100 + SegmentLayout.TAG_LENGTH);
        assertEquals(0, a.readableBytes());
        assertTrue(a.capacity() >= 116 && a.hasArray());
        a.writeBytes(new byte[116]);
        byte[] array = a.array();
        assertEquals(LENGTH, array.length);
        assertTrue(a.release());
        assertEquals(1, arrays.freeArrays());

        ByteBuf b = arrays.heapBuffer(LENGTH);
        assertSame(array, b.array());
        assertEquals(0, b.readableBytes(), "a reused array starts empty");
        assertEquals(0, arrays.freeArrays());
        b.release();
    }

    @Test
    void liveBuffersNeverShareAnArray() {
        SegmentArrays arrays = new SegmentArrays(LENGTH, 8);
        List<ByteBuf> live = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 6; i++) {
                live.add(arrays.heapBuffer(LENGTH));
            }
            Map<byte[], Boolean> seen = new IdentityHashMap<>();
            for (ByteBuf b : live) {
                assertTrue(seen.put(b.array(), true) == null, "two live buffers on one array");
            }
            // give half back, keep the rest live into the next round
            for (int i = 0; i < 3; i++) {
                live.remove(0).release();
            }
        }
        live.forEach(ByteBuf::release);
    }

    @Test
    void theFreeListIsBounded() {
        SegmentArrays arrays = new SegmentArrays(LENGTH, 3);
        List<ByteBuf> live = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            live.add(arrays.heapBuffer(LENGTH));
        }
        live.forEach(ByteBuf::release);
        assertEquals(3, arrays.freeArrays());
    }

    @Test
    void theFreeListHoldsAtMostSixteenMebibytesWhateverTheSegmentSize() {
        for (int segment : new int[] {SegmentLayout.DEFAULT_SEGMENT_SIZE, 1 << 20, SegmentLayout.MAX_SEGMENT_SIZE}) {
            SegmentLayout layout = new SegmentLayout(segment);
            SegmentArrays arrays = SegmentArrays.forLayout(layout);
            int stored = layout.storedSegmentSize();
            // a little more than 16 MiB in flight at once, then all of it released
            List<ByteBuf> live = new ArrayList<>();
            for (long held = 0; held <= (16 << 20) + stored; held += stored) {
                live.add(arrays.heapBuffer(segment));
            }
            live.forEach(ByteBuf::release);
            long kept = (long) arrays.freeArrays() * stored;
            assertTrue(arrays.freeArrays() >= 1, segment + "-byte segments: nothing kept");
            assertTrue(kept <= Math.max(16 << 20, stored), segment + "-byte segments: " + kept + " bytes kept");
            if (segment == SegmentLayout.DEFAULT_SEGMENT_SIZE) {
                assertTrue(arrays.freeArrays() >= 250, "64 KiB segments: " + arrays.freeArrays() + " arrays kept");
            }
        }
    }

    @Test
    void otherSizesAreNeitherTakenFromNorGivenToTheList() {
        SegmentArrays arrays = new SegmentArrays(LENGTH, 4);
        ByteBuf big = arrays.heapBuffer(LENGTH + 1);
        assertEquals(LENGTH + 1, big.array().length);
        big.release();
        ByteBuf bounded = arrays.heapBuffer(16, 1024);
        assertTrue(bounded.array().length <= 1024);
        bounded.release();
        assertEquals(0, arrays.freeArrays());

        // a pooled buffer whose capacity changed hands back neither array of the wrong length
        ByteBuf shrunk = arrays.heapBuffer(LENGTH);
        byte[] original = shrunk.array();
        shrunk.capacity(1024);
        assertNotSame(original, shrunk.array());
        assertEquals(1, arrays.freeArrays(), "the original array went back when it was replaced");
        shrunk.release();
        assertEquals(1, arrays.freeArrays());
        assertFalse(arrays.isDirectBufferPooled());
    }
}
