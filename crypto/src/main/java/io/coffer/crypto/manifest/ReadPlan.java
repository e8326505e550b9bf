package io.coffer.crypto.manifest;

import io.coffer.crypto.segment.CiphertextRange;
import io.coffer.crypto.segment.SegmentLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What to read and decrypt to serve plaintext bytes {@code first..lastInclusive} of an object: for each part
 * the range touches, the {@link CiphertextRange} to hand to the {@code SegmentDecryptor} and the sector slices
 * whose bytes, concatenated in order, are exactly that range's stored bytes.
 */
public record ReadPlan(List<PartRead> parts) {
    public ReadPlan {
        parts = List.copyOf(parts);
    }

    /**
     * One part's share of a read.
     *
     * @param contentId the content id to decrypt this part with ({@link Manifest#contentIdOf})
     * @param range     segments to decrypt and how to trim them
     * @param slices    sector byte ranges holding {@code range}'s stored bytes, in order
     */
    public record PartRead(Part part, byte[] contentId, CiphertextRange range, List<SectorSlice> slices) {
        public PartRead {
            contentId = contentId.clone();
            slices = List.copyOf(slices);
        }

        @Override
        public byte[] contentId() {
            return contentId.clone();
        }
    }

    /** Bytes {@code offset .. offset + length - 1} of a sector. */
    public record SectorSlice(SectorRef sector, long offset, long length) {
        public SectorSlice {
            if (offset < 0 || length <= 0 || offset + length > sector.length()) {
                throw new IllegalArgumentException("slice outside its sector");
            }
        }
    }

    /**
     * @throws IllegalArgumentException unless 0 &lt;= first &lt;= lastInclusive &lt; size (an empty object has
     *                                  no byte ranges; use {@link #whole})
     */
    public static ReadPlan of(Manifest m, long first, long lastInclusive) {
        if (first < 0 || lastInclusive < first || lastInclusive >= m.size()) {
            throw new IllegalArgumentException("range " + first + "-" + lastInclusive + " is not within "
                    + m.size() + " bytes");
        }
        SegmentLayout layout = m.layout();
        List<PartRead> reads = new ArrayList<>();
        long partStart = 0;
        for (Part p : m.parts()) {
            long partEnd = partStart + p.plaintextSize() - 1;
            if (p.plaintextSize() > 0 && partEnd >= first && partStart <= lastInclusive) {
                CiphertextRange r = layout.forPlaintextRange(p.plaintextSize(),
                        Math.max(first, partStart) - partStart, Math.min(lastInclusive, partEnd) - partStart);
                reads.add(new PartRead(p, m.contentIdOf(p), r, slices(p, r)));
            }
            partStart += p.plaintextSize();
        }
        return new ReadPlan(reads);
    }

    /**
     * The whole object, every segment verified, including the empty final segment of empty parts (so a
     * GET of an empty object still proves nothing was cut off).
     */
    public static ReadPlan whole(Manifest m) {
        SegmentLayout layout = m.layout();
        List<PartRead> reads = new ArrayList<>();
        for (Part p : m.parts()) {
            CiphertextRange r = layout.whole(p.plaintextSize());
            reads.add(new PartRead(p, m.contentIdOf(p), r, slices(p, r)));
        }
        return new ReadPlan(reads);
    }

    /** Plaintext bytes this plan yields. */
    public long plaintextLength() {
        long n = 0;
        for (PartRead r : parts) {
            n += r.range().plaintextLength();
        }
        return n;
    }

    private static List<SectorSlice> slices(Part p, CiphertextRange r) {
        List<SectorSlice> out = new ArrayList<>();
        long want = r.ciphertextOffset();
        long end = r.ciphertextOffset() + r.ciphertextLength();
        long sectorStart = 0;
        for (SectorRef s : p.sectors()) {
            long sectorEnd = sectorStart + s.length();
            if (sectorEnd > want && sectorStart < end) {
                long from = Math.max(want, sectorStart);
                long to = Math.min(end, sectorEnd);
                out.add(new SectorSlice(s, from - sectorStart, to - from));
            }
            sectorStart = sectorEnd;
            if (sectorStart >= end) {
                break;
            }
        }
        return out;
    }
}
