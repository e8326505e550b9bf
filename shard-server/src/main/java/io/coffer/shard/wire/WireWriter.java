package io.coffer.shard.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Appends big-endian primitives, length-prefixed strings and byte arrays to a growing buffer. */
public final class WireWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    public WireWriter() {
        out.write(WireFormat.VERSION);
    }

    public WireWriter writeByte(int v) {
        out.write(v);
        return this;
    }

    public WireWriter writeBoolean(boolean v) {
        out.write(v ? 1 : 0);
        return this;
    }

    public WireWriter writeInt(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public WireWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
        return this;
    }

    /** A string as an int length (-1 for null) then UTF-8 bytes. */
    public WireWriter writeString(String s) {
        if (s == null) {
            return writeInt(-1);
        }
        return writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public WireWriter writeBytes(byte[] b) {
        if (b == null) {
            return writeInt(-1);
        }
        writeInt(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
