package io.coffer.gateway.store;

/**
 * A range of an object's plaintext, resolved against its size: {@code length} bytes from
 * {@code offset}. A zero length is allowed (reading an empty object).
 */
public record ByteRange(long offset, long length) {
    public ByteRange {
        if (offset < 0 || length < 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad range " + offset + "+" + length);
        }
    }

    public static ByteRange whole(long size) {
        return new ByteRange(0, size);
    }

    /** Inclusive range {@code first..last}, as an HTTP Range header names it. */
    public static ByteRange inclusive(long first, long last) {
        return new ByteRange(first, last - first + 1);
    }

    /** Offset of the last byte; -1 for an empty range. */
    public long last() {
        return offset + length - 1;
    }

    public long end() {
        return offset + length;
    }
}
