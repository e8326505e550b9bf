package io.coffer.shard.volume;

/** A sector whose bytes are in its volume file (not yet fsynced) and their CRC32C, for the sector record. */
public record WrittenSector(Extent extent, int crc32c) {
    public WrittenSector {
        if (extent == null) {
            throw new IllegalArgumentException("extent is required");
        }
    }
}
