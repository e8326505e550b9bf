package io.coffer.shard.store;

import io.coffer.shard.api.SectorId;
import java.nio.channels.FileChannel;

/**
 * Where a sector's bytes are, for zero-copy reads: the volume's shared channel (owned by the store;
 * never close it) and the absolute position and length of the sector in it. Prefer
 * {@link ShardStore#region} when sending to a Netty channel; this is for callers that drive
 * {@link FileChannel#transferTo} themselves.
 */
public record SectorRegion(SectorId id, FileChannel channel, int volumeIndex, long position, long length) {
    public SectorRegion {
        if (id == null || channel == null || position < 0 || length < 0) {
            throw new IllegalArgumentException("bad sector region");
        }
    }
}
