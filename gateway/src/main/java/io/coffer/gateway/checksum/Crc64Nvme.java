package io.coffer.gateway.checksum;

import java.util.zip.Checksum;

/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones), the checksum S3 calls
 * CRC64NVME. Check value for "123456789": 0xae8b14860a799888.
 */
public final class Crc64Nvme implements Checksum {

    private long crc = -1L;

    @Override
    public void update(int b) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void update(byte[] b, int off, int len) {
        throw new UnsupportedOperationException("not yet implemented");
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
