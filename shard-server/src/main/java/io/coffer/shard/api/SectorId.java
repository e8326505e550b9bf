package io.coffer.shard.api;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A 128-bit sector identifier chosen by the writer (the gateway), so every replica of a sector
 * carries the same id and a manifest can name it on any shard of the replica set.
 */
public record SectorId(long hi, long lo) implements Comparable<SectorId> {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static SectorId random() {
        return new SectorId(RANDOM.nextLong(), RANDOM.nextLong());
    }

    public static SectorId parse(String hex) {
        if (hex == null || hex.length() != 32) {
            throw new IllegalArgumentException("sector id must be 32 hex digits");
        }
        return new SectorId(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
    }

    public static SectorId fromBytes(byte[] b, int off) {
        return new SectorId(readLong(b, off), readLong(b, off + 8));
    }

    public void writeTo(byte[] b, int off) {
        writeLong(b, off, hi);
        writeLong(b, off + 8, lo);
    }

    public byte[] toBytes() {
        byte[] b = new byte[16];
        writeTo(b, 0);
        return b;
    }

    public String hex() {
        HexFormat f = HexFormat.of();
        return f.toHexDigits(hi) + f.toHexDigits(lo);
    }

    @Override
    public String toString() {
        return hex();
    }

    @Override
    public int compareTo(SectorId o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
