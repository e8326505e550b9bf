package io.coffer.gateway.store;

import io.coffer.crypto.segment.SegmentLayout;

/**
 * Tunables of the pipelines.
 *
 * @param sectorSize           target stored bytes per sector; rounded down to whole segments
 * @param segmentSize          plaintext bytes per GCM segment for new objects
 * @param manifestCacheEntries verified manifests remembered (0 disables the cache)
 */
public record StoreSettings(long sectorSize, int segmentSize, int manifestCacheEntries) {
    public static final long DEFAULT_SECTOR_SIZE = 4L << 20;
    public static final StoreSettings DEFAULT =
            new StoreSettings(DEFAULT_SECTOR_SIZE, SegmentLayout.DEFAULT_SEGMENT_SIZE, 10_000);

    public StoreSettings {
        if (sectorSize <= 0 || manifestCacheEntries < 0) {
            throw new IllegalArgumentException("sectorSize > 0 and manifestCacheEntries >= 0");
        }
        new SegmentLayout(segmentSize);
    }

    public SegmentLayout layout() {
        return new SegmentLayout(segmentSize);
    }

    /** The sector size actually used: whole stored segments, at least one. */
    public long alignedSectorSize() {
        return SectorPlan.alignedSectorSize(sectorSize, layout().storedSegmentSize());
    }
}
