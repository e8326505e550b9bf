package io.coffer.shard.index;

/**
 * Chronicle Map key layout of a sector id (16 bytes, fixed size). Public only because Chronicle Values
 * generates its implementation at run time; use {@link SectorLocationIndex}, not this.
 */
public interface SectorKey {
    long getHi();

    void setHi(long hi);

    long getLo();

    void setLo(long lo);
}
