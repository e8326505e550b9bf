package io.coffer.gateway.store;

import java.util.ArrayList;
import java.util.List;

/**
 * How the ciphertext of one part is cut into sectors. Sectors are cut at a whole number of
 * ciphertext segments, so a sector never splits a GCM segment and a range maps to (sector, offset)
 * by arithmetic on the manifest's sector lengths alone ({@code ReadPlan}); a reader does not need
 * the sector size an object was written with.
 */
public final class SectorPlan {
    private SectorPlan() {
    }

    /**
     * Lengths of the sectors holding {@code cipherLength} bytes, each at most {@code sectorSize}
     * (which should be a multiple of the ciphertext segment size). No sectors for zero bytes.
     */
    public static List<Long> cut(long cipherLength, long sectorSize) {
        if (cipherLength < 0 || sectorSize <= 0) {
            throw new IllegalArgumentException("cipherLength " + cipherLength + " sectorSize " + sectorSize);
        }
        List<Long> lengths = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, cipherLength / sectorSize + 1));
        for (long left = cipherLength; left > 0; left -= sectorSize) {
            lengths.add(Math.min(left, sectorSize));
        }
        return lengths;
    }

    /**
     * The largest whole number of ciphertext segments that fits in {@code targetSectorSize}, at least
     * one segment.
     */
    public static long alignedSectorSize(long targetSectorSize, long cipherSegmentSize) {
        if (targetSectorSize <= 0 || cipherSegmentSize <= 0) {
            throw new IllegalArgumentException("sizes must be > 0");
        }
        return Math.max(1, targetSectorSize / cipherSegmentSize) * cipherSegmentSize;
    }
}
