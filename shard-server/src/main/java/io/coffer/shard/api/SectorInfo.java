package io.coffer.shard.api;

/** What a shard reports about a stored sector: its id, stored length and CRC32C of the stored bytes. */
public record SectorInfo(SectorId id, long length, int crc32c, boolean committed) {
    public SectorInfo {
        if (id == null) {
            throw new IllegalArgumentException("id");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length < 0");
        }
    }
}
