package io.coffer.shard.index;

/**
 * Chronicle Map value layout of a sector location (20 bytes, fixed size). Public only because Chronicle Values
 * generates its implementation at run time; use {@link SectorLocationIndex}, not this.
 */
public interface SectorLocation {
    int getVolumeIndex();

    void setVolumeIndex(int volumeIndex);

    long getOffset();

    void setOffset(long offset);

    long getLength();

    void setLength(long length);
}
