package io.coffer.crypto.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.segment.SegmentLayout;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadPlanTest {
    private static final int SEG = 16;
    private final SegmentLayout layout = new SegmentLayout(SEG);
    private final Random random = new Random(11);

    @Test
    void sliceBytesAreExactlyTheStoredBytesOfEachPartRange() {
        // three parts with odd sizes, sectors cut at sizes that do not align with segments
        long[] sizes = {37, 0, 50};
        Manifest m = manifest(sizes, 23);
        long size = m.size();
        for (long first = 0; first < size; first++) {
            for (long last = first; last < size; last++) {
                ReadPlan plan = ReadPlan.of(m, first, last);
                assertEquals(last - first + 1, plan.plaintextLength());
                for (ReadPlan.PartRead r : plan.parts()) {
                    byte[] partStored = storedOf(r.part());
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    for (ReadPlan.SectorSlice s : r.slices()) {
                        o.write(sectorBytes(s.sector()), (int) s.offset(), (int) s.length());
                    }
                    byte[] expected = java.util.Arrays.copyOfRange(partStored, (int) r.range().ciphertextOffset(),
                            (int) (r.range().ciphertextOffset() + r.range().ciphertextLength()));
                    assertArrayEquals(expected, o.toByteArray(), first + "-" + last);
                }
            }
        }
    }

    @Test
    void rangeSkipsPartsItDoesNotTouch() {
        Manifest m = manifest(new long[] {40, 40, 40}, 100);
        ReadPlan plan = ReadPlan.of(m, 45, 50);
        assertEquals(1, plan.parts().size());
        assertEquals(2, plan.parts().get(0).part().partNumber());
        assertEquals(5, plan.parts().get(0).range().skipBytes());
        assertArrayEquals(m.contentIdOf(m.parts().get(1)), plan.parts().get(0).contentId());
    }

    @Test
    void wholeCoversEveryPartIncludingEmptyOnes() {
        Manifest empty = manifest(new long[] {0}, 100);
        ReadPlan plan = ReadPlan.whole(empty);
        assertEquals(1, plan.parts().size());
        assertEquals(0, plan.plaintextLength());
        assertEquals(16, plan.parts().get(0).slices().get(0).length());
        assertThrows(IllegalArgumentException.class, () -> ReadPlan.of(empty, 0, 0));
        Manifest three = manifest(new long[] {5, 0, 7}, 4);
        assertEquals(3, ReadPlan.whole(three).parts().size());
        assertEquals(12, ReadPlan.whole(three).plaintextLength());
    }

    /** Sector bytes are a deterministic function of the sector id, so slices can be checked. */
    private static byte[] sectorBytes(SectorRef s) {
        byte[] b = new byte[(int) s.length()];
        Random r = new Random(java.util.Arrays.hashCode(s.sectorId()));
        r.nextBytes(b);
        return b;
    }

    private static byte[] storedOf(Part p) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (SectorRef s : p.sectors()) {
            byte[] b = sectorBytes(s);
            o.write(b, 0, b.length);
        }
        return o.toByteArray();
    }

    private Manifest manifest(long[] partSizes, long sectorSize) {
        List<Part> parts = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < partSizes.length; i++) {
            List<SectorRef> sectors = new ArrayList<>();
            long left = layout.ciphertextLength(partSizes[i]);
            while (left > 0) {
                byte[] id = new byte[16];
                random.nextBytes(id);
                long n = Math.min(left, sectorSize);
                sectors.add(new SectorRef(id, n));
                left -= n;
            }
            byte[] cid = new byte[16];
            random.nextBytes(cid);
            parts.add(new Part(i + 1, partSizes[i], "e" + i, sectors, cid));
            total += partSizes[i];
        }
        return Manifest.builder().bucket("b").key("k").generation(1).size(total).segmentSize(SEG)
                .contentId(new byte[16]).wrappedKey(new WrappedKey("mk-1", new byte[40])).parts(parts).build();
    }
}
