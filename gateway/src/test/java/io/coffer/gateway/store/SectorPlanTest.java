package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
