package io.coffer.gateway.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64NvmeTest {

    /** Bit-at-a-time definition of CRC-64/NVME, the reference for the table-driven implementation. */
    private static long reference(byte[] data, int off, int len) {
        long crc = -1L;
        for (int i = off; i < off + len; i++) {
            crc ^= data[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x9a6c9329ac4bc9b5L : crc >>> 1;
            }
        }
        return ~crc;
    }

    @Test
    void checkValueOf123456789IsTheCatalogued0xae8b14860a799888() {
        Crc64Nvme crc = new Crc64Nvme();
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        crc.update(check, 0, check.length);
        assertEquals(0xae8b14860a799888L, crc.getValue());
        assertEquals(0xae8b14860a799888L, reference(check, 0, check.length));
    }

    @Test
    void emptyInputIsZero() {
        assertEquals(0L, new Crc64Nvme().getValue());
    }

    @Test
    void tableDrivenMatchesBitwiseForRandomSlicesOfHeapAndDirectBuffers() {
        Random random = new Random(1);
        byte[] data = new byte[5000];
        random.nextBytes(data);
        for (int round = 0; round < 300; round++) {
            int off = random.nextInt(100);
            int len = random.nextInt(data.length - off);
            long expected = reference(data, off, len);

            Crc64Nvme heap = new Crc64Nvme();
            heap.update(data, off, len);
            assertEquals(expected, heap.getValue());

            ByteBuffer direct = ByteBuffer.allocateDirect(len + 3);
            direct.position(3);
            direct.put(data, off, len);
            direct.position(3);
            Crc64Nvme viaDirect = new Crc64Nvme();
            viaDirect.update(direct);
            assertEquals(expected, viaDirect.getValue());
            assertEquals(direct.limit(), direct.position(), "update consumes the buffer");
        }
    }

    @Test
    void updatesInPiecesEqualOneUpdate() {
        byte[] data = new byte[1000];
        new Random(2).nextBytes(data);
        Crc64Nvme whole = new Crc64Nvme();
        whole.update(data, 0, data.length);
        Crc64Nvme pieces = new Crc64Nvme();
        pieces.update(data, 0, 3);
        pieces.update(data[3]);
        pieces.update(data, 4, 500);
        pieces.update(ByteBuffer.wrap(data, 504, 496));
        assertEquals(whole.getValue(), pieces.getValue());
        pieces.reset();
        assertEquals(0L, pieces.getValue());
    }
}
