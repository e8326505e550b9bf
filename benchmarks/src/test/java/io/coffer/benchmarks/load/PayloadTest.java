package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void anyRangeEqualsTheSameSliceOfTheWhole() {
        long stream = Payload.streamId(42, "pool/s42/1m/00003", 0);
        byte[] whole = new byte[10_000];
        Payload.fill(stream, 0, whole, 0, whole.length);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            int off = r.nextInt(whole.length);
            int len = r.nextInt(whole.length - off + 1);
            int at = r.nextInt(5); // unaligned destination index too
            byte[] part = new byte[len + at];
            Payload.fill(stream, off, part, at, len);
            assertArrayEquals(Arrays.copyOfRange(whole, off, off + len), Arrays.copyOfRange(part, at, at + len),
                    "range " + off + "+" + len);
        }
    }

    @Test
    void singleBytesMatchBulkFill() {
        long stream = Payload.streamId(7, "k", 3);
        byte[] bulk = new byte[100];
        Payload.fill(stream, 1_000_003, bulk, 0, bulk.length);
        for (int i = 0; i < bulk.length; i++) {
            assertEquals(bulk[i], Payload.byteAt(stream, 1_000_003 + i));
        }
    }

    @Test
    void keySeedAndVersionEachChangeTheContent() {
        long a = Payload.streamId(1, "key", 0);
        assertNotEquals(a, Payload.streamId(2, "key", 0));
        assertNotEquals(a, Payload.streamId(1, "kez", 0));
        assertNotEquals(a, Payload.streamId(1, "key", 1));
        byte[] x = new byte[64];
        byte[] y = new byte[64];
        Payload.fill(a, 0, x, 0, 64);
        Payload.fill(Payload.streamId(1, "key", 1), 0, y, 0, 64);
        assertFalse(Arrays.equals(x, y));
    }

    @Test
    void inputStreamYieldsExactlyItsLengthAndRewinds() {
        long stream = Payload.streamId(5, "obj", 0);
        PayloadInputStream in = new PayloadInputStream(stream, 10, 1000);
        in.mark(0);
        byte[] first = new byte[1000];
        int n = 0;
        while (n < first.length) {
            n += in.read(first, n, Math.min(333, first.length - n));
        }
        assertEquals(-1, in.read(new byte[8], 0, 8));
        assertEquals(-1, in.read());
        in.reset();
        byte[] again = new byte[1000];
        assertEquals(1000, in.read(again, 0, 1000));
        assertArrayEquals(first, again);
        byte[] direct = new byte[1000];
        Payload.fill(stream, 10, direct, 0, 1000);
        assertArrayEquals(direct, first);
    }
}
