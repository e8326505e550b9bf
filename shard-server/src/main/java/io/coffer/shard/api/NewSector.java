package io.coffer.shard.api;

import io.netty.buffer.ByteBuf;

/**
 * A sector to create together with the version that references it ({@link Shard#putVersionWithSectors}):
 * its id and all of its bytes, already in memory. For small objects only (a few segments at most): a
 * large body streams through {@link Shard#putSector} instead. The shard owns {@code bytes} (releases it).
 */
public record NewSector(SectorId id, ByteBuf bytes) {
    public NewSector {
        if (id == null || bytes == null) {
            throw new IllegalArgumentException("sector id and bytes required");
        }
    }

    /** The sector's length, as its {@link SectorRef} in the version must give it. */
    public long length() {
        return bytes.readableBytes();
    }
}
