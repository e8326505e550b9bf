package io.coffer.shard.meta;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link RecordWriter} wrote; a truncated or malformed value is a {@link CorruptRecordException}. */
final class RecordReader {
    private final byte[] buf;
    private int pos;

    RecordReader(byte[] buf) {
        this.buf = buf;
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new CorruptRecordException("bad boolean " + b);
        }
        return b == 1;
    }

    int readInt() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long readLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CorruptRecordException("varint too long");
    }

    byte[] readBytes() {
        int n = readLength();
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** Decodes in place: no intermediate copy of the bytes. */
    String readString() {
        int n = readLength();
        String out = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return out;
    }

    /** Skips what {@link #readBytes} would return. */
    void skipBytes() {
        int n = readLength(); // not "pos += readLength()": that would add to pos as it was before the length
        pos += n;
    }

    private int readLength() {
        long n = readVarLong();
        if (n < 0 || n > buf.length - pos) {
            throw new CorruptRecordException("length " + n + " past end");
        }
        return (int) n;
    }

    /** Codecs call this last so trailing garbage is detected rather than silently ignored. */
    void expectEnd() {
        if (pos != buf.length) {
            throw new CorruptRecordException((buf.length - pos) + " trailing bytes");
        }
    }

    /** Reads the leading format byte and rejects formats this build does not know. */
    int readFormat(String what, int maxKnown) {
        int f = readByte();
        if (f < 1 || f > maxKnown) {
            throw new CorruptRecordException(what + ": unknown format " + f);
        }
        return f;
    }

    private void need(int n) {
        if (buf.length - pos < n) {
            throw new CorruptRecordException("truncated value");
        }
    }
}
