package io.coffer.gateway.checksum;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Checksum;

/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones), the checksum S3 calls
 * CRC64NVME. Check value for "123456789": 0xae8b14860a799888. Slicing-by-8: eight table lookups per
 * eight input bytes, read as one little-endian long.
 */
public final class Crc64Nvme implements Checksum {

    static final long POLY = 0x9a6c9329ac4bc9b5L;

    private static final long[][] TABLES = tables();

    private long crc = -1L;

    private static long[][] tables() {
        long[][] t = new long[8][256];
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            t[0][i] = c;
        }
        for (int i = 0; i < 256; i++) {
            for (int s = 1; s < 8; s++) {
                long prev = t[s - 1][i];
                t[s][i] = (prev >>> 8) ^ t[0][(int) (prev & 0xff)];
            }
        }
        return t;
    }

    @Override
    public void update(int b) {
        crc = (crc >>> 8) ^ TABLES[0][(int) ((crc ^ b) & 0xff)];
    }

    @Override
    public void update(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        update(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void update(ByteBuffer buffer) {
        ByteBuffer le = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        long c = crc;
        long[] t0 = TABLES[0];
        long[] t1 = TABLES[1];
        long[] t2 = TABLES[2];
        long[] t3 = TABLES[3];
        long[] t4 = TABLES[4];
        long[] t5 = TABLES[5];
        long[] t6 = TABLES[6];
        long[] t7 = TABLES[7];
        int pos = 0;
        int limit = le.remaining();
        int blocks = limit & ~7;
        while (pos < blocks) {
            c ^= le.getLong(pos);
            c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)]
                    ^ t4[(int) ((c >>> 24) & 0xff)] ^ t3[(int) ((c >>> 32) & 0xff)]
                    ^ t2[(int) ((c >>> 40) & 0xff)] ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
            pos += 8;
        }
        while (pos < limit) {
            c = (c >>> 8) ^ t0[(int) ((c ^ le.get(pos)) & 0xff)];
            pos++;
        }
        crc = c;
        buffer.position(buffer.limit());
    }

    @Override
    public long getValue() {
        return ~crc;
    }

    @Override
    public void reset() {
        crc = -1L;
    }
}
