package io.coffer.shard.meta;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends the fields of one metadata value in Coffer's compact binary encoding: fixed-width
 * big-endian integers, unsigned LEB128 varints for lengths, length-prefixed UTF-8 strings and
 * byte arrays. Every value starts with a format byte written by its codec.
 */
final class RecordWriter {
    private byte[] buf;
    private int len;

    RecordWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    RecordWriter writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    RecordWriter writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    RecordWriter writeInt(int v) {
        ensure(4);
        for (int i = 3; i >= 0; i--) {
            buf[len + i] = (byte) v;
            v >>>= 8;
        }
        len += 4;
        return this;
    }

    RecordWriter writeLong(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[len + i] = (byte) v;
            v >>>= 8;
        }
        len += 8;
        return this;
    }

    RecordWriter writeVarLong(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("varint must be >= 0");
        }
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    RecordWriter writeBytes(byte[] b) {
        writeVarLong(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    RecordWriter writeString(String s) {
        return writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
