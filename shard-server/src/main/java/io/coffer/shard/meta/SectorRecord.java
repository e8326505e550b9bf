package io.coffer.shard.meta;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;

/** Where a sector's bytes live and what they are: the row of the sectors DBI. */
public record SectorRecord(SectorId id, int volumeIndex, long offset, long length, int crc32c,
                           SectorState state, long createdMillis) {
    public SectorRecord {
        if (id == null || state == null) {
            throw new IllegalArgumentException("id and state are required");
        }
        if (volumeIndex < 0 || offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad extent " + volumeIndex + "/" + offset + "/" + length);
        }
    }

    public SectorRecord committed() {
        return new SectorRecord(id, volumeIndex, offset, length, crc32c, SectorState.COMMITTED, createdMillis);
    }

    public SectorInfo info() {
        return new SectorInfo(id, length, crc32c, state == SectorState.COMMITTED);
    }
}
