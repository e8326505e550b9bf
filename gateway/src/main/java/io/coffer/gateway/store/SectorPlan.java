package io.coffer.gateway.store;

import java.util.ArrayList;
import java.util.List;

/**
 * How the ciphertext of one part is cut into sectors, and where a ciphertext range lies in them.
 * Sectors are cut at a whole number of ciphertext segments, so a sector never splits a GCM
 * segment and a range maps to (sector, offset) by arithmetic on the stored sector lengths alone;
 * the plan does not need to remember the sector size an object was written with.
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

    /** A piece of one sector: {@code length} bytes from {@code offset} within sector {@code index}. */
    public record Slice(int index, long offset, long length) {
        public Slice {
            if (index < 0 || offset < 0 || length <= 0) {
                throw new IllegalArgumentException("bad slice " + index + "@" + offset + "+" + length);
            }
        }
    }

    /**
     * The sector slices covering {@code length} ciphertext bytes from {@code offset}, given the
     * sectors' lengths in order.
     */
    public static List<Slice> locate(List<Long> sectorLengths, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range");
        }
        List<Slice> slices = new ArrayList<>();
        long start = 0;
        long want = offset;
        long left = length;
        for (int i = 0; i < sectorLengths.size() && left > 0; i++) {
            long len = sectorLengths.get(i);
            long end = start + len;
            if (want < end) {
                long inSector = want - start;
                long take = Math.min(left, len - inSector);
                slices.add(new Slice(i, inSector, take));
                want += take;
                left -= take;
            }
            start = end;
        }
        if (left > 0) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " beyond the sectors (" + start + ")");
        }
        return slices;
    }
}
