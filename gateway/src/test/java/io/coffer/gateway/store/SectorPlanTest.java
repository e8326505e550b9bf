package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SectorPlanTest {
    @Test
    void cutSplitsIntoFullSectorsAndARemainder() {
        assertEquals(List.of(10L, 10L, 3L), SectorPlan.cut(23, 10));
        assertEquals(List.of(10L), SectorPlan.cut(10, 10));
        assertEquals(List.of(), SectorPlan.cut(0, 10));
        assertEquals(List.of(1L), SectorPlan.cut(1, 10));
    }

    @Test
    void alignedSectorSizeIsAWholeNumberOfSegments() {
        long seg = 65536 + 16;
        long size = SectorPlan.alignedSectorSize(4L << 20, seg);
        assertEquals(0, size % seg);
        assertEquals(63 * seg, size);
        assertEquals(seg, SectorPlan.alignedSectorSize(100, seg));
    }

    @Test
    void locateMapsARangeOntoSectorSlices() {
        List<Long> lengths = List.of(10L, 10L, 3L);
        assertEquals(List.of(new SectorPlan.Slice(0, 2, 5)), SectorPlan.locate(lengths, 2, 5));
        assertEquals(List.of(new SectorPlan.Slice(0, 8, 2), new SectorPlan.Slice(1, 0, 10), new SectorPlan.Slice(2, 0, 1)),
                SectorPlan.locate(lengths, 8, 13));
        assertEquals(List.of(new SectorPlan.Slice(2, 2, 1)), SectorPlan.locate(lengths, 22, 1));
        assertEquals(List.of(), SectorPlan.locate(lengths, 5, 0));
    }

    @Test
    void locateBeyondTheSectorsFails() {
        assertThrows(IllegalArgumentException.class, () -> SectorPlan.locate(List.of(10L), 5, 6));
    }
}
