package io.coffer.benchmarks.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic object content: byte {@code p} of stream {@code s} is byte {@code p % 8} (little
 * endian) of {@code splitmix64(s + (p / 8) * GOLDEN)}. Any range of any object can be regenerated
 * from (seed, key, version) alone, so the generator verifies what it reads back without keeping a
 * copy, and never holds an object in heap.
 */
public final class Payload {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Payload() {}

    /** The stream id of one written version of a key under a seed. */
    public static long streamId(long seed, String key, long version) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 over the key's UTF-8 bytes
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(mix(h ^ seed) + version * GOLDEN);
    }

    /** Writes the content bytes [offset, offset + len) of {@code stream} into {@code buf[off..]}. */
    public static void fill(long stream, long offset, byte[] buf, int off, int len) {
        long p = offset;
        int i = off;
        int end = off + len;
        while (i < end && (p & 7) != 0) {
            buf[i++] = byteAt(stream, p++);
        }
        // word-aligned in the stream; byte[] views allow any array index for plain get/set
        while (end - i >= 8) {
            LONG_LE.set(buf, i, word(stream, p >>> 3));
            i += 8;
            p += 8;
        }
        while (i < end) {
            buf[i++] = byteAt(stream, p++);
        }
    }

    static byte byteAt(long stream, long position) {
        return (byte) (word(stream, position >>> 3) >>> ((position & 7) * 8));
    }

    private static long word(long stream, long index) {
        return mix(stream + index * GOLDEN);
    }

    // splitmix64 finalizer: cheap, and adjacent words look unrelated
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
