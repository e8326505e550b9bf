package io.coffer.shard.wire;

import io.coffer.shard.api.ShardException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link WireWriter} wrote. Any malformed input (wrong format byte, truncated, lengths
 * out of range) is an {@code INVALID_ARGUMENT} failure, never an unchecked crash.
 */
public final class WireReader {
    private final byte[] b;
    private int pos;

    public WireReader(byte[] bytes) {
        this.b = bytes;
        if (bytes.length == 0 || bytes[0] != WireFormat.VERSION) {
            throw malformed("unsupported wire format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
        }
        this.pos = 1;
    }

    public int readByte() {
        need(1);
        return b[pos++] & 0xFF;
    }

    public boolean readBoolean() {
        int v = readByte();
        if (v > 1) {
            throw malformed("bad boolean " + v);
        }
        return v == 1;
    }

    public int readInt() {
        need(4);
        int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xFFFFFFFFL;
        long lo = readInt() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }

    public String readString() {
        byte[] s = readBytes();
        return s == null ? null : new String(s, StandardCharsets.UTF_8);
    }

    public byte[] readBytes() {
        int len = readInt();
        if (len == -1) {
            return null;
        }
        if (len < 0) {
            throw malformed("negative length");
        }
        need(len);
        byte[] out = new byte[len];
        System.arraycopy(b, pos, out, 0, len);
        pos += len;
        return out;
    }

    /** A count of following items, bounded by the bytes left so a forged count cannot exhaust memory. */
    public int readCount() {
        int n = readInt();
        if (n < 0 || n > b.length - pos) {
            throw malformed("bad count " + n);
        }
        return n;
    }

    public void expectEnd() {
        if (pos != b.length) {
            throw malformed((b.length - pos) + " trailing bytes");
        }
    }

    private void need(int n) {
        if (n > b.length - pos) {
            throw malformed("truncated");
        }
    }

    static ShardException malformed(String what) {
        return new ShardException(ShardException.Code.INVALID_ARGUMENT, "malformed wire body: " + what);
    }
}
