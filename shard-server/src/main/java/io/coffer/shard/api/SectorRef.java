package io.coffer.shard.api;

/** A reference from an object version or a multipart part to a sector and its stored length. */
public record SectorRef(SectorId id, long length) {
    public SectorRef {
        if (id == null || length < 0) {
            throw new IllegalArgumentException("bad sector ref");
        }
    }
}
