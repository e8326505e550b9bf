package io.coffer.shard.volume;

/**
 * A byte range inside one volume file: where a sector lives.
 *
 * <p>{@code offset} is the absolute position in the volume file (the volume header occupies the first
 * {@link Volume#DATA_START} bytes, so a data extent never starts before it) and {@code length} is the exact
 * sector length. The allocator reserves {@code length} rounded up to {@link ExtentAllocator#ALIGNMENT}; that
 * rounding is deterministic, so handing the same {@code Extent} back to {@link ExtentAllocator#free} releases
 * exactly what was reserved.
 */
public record Extent(int volumeIndex, long offset, long length) {
    public Extent {
        if (volumeIndex < 0) {
            throw new IllegalArgumentException("volume index must be >= 0: " + volumeIndex);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
        if (offset + length < 0) {
            throw new IllegalArgumentException("extent overflows: " + offset + "+" + length);
        }
    }

    /** First byte after the sector. */
    public long end() {
        return offset + length;
    }
}
