package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PayloadVerifierTest {
    private final long stream = Payload.streamId(42, "pool/s42/1m/00000", 0);

    private byte[] content(long offset, int length) {
        byte[] b = new byte[length];
        Payload.fill(stream, offset, b, 0, length);
        return b;
    }

    @Test
    void rightBytesVerifyAndCount() throws IOException {
        int len = 200_000; // several 64 KiB chunks
        long n = new PayloadVerifier().verify(new ByteArrayInputStream(content(0, len)), stream, 0, len);
        assertEquals(len, n);
    }

    @Test
    void rightRangeAtAnOffsetVerifies() throws IOException {
        long n = new PayloadVerifier().verify(new ByteArrayInputStream(content(123_457, 70_000)), stream, 123_457,
                70_000);
        assertEquals(70_000, n);
    }

    @Test
    void oneFlippedByteIsReportedWithItsOffset() {
        byte[] b = content(0, 100_000);
        b[77_777] ^= 1;
        PayloadVerifier.VerificationException e = assertThrows(PayloadVerifier.VerificationException.class,
                () -> new PayloadVerifier().verify(new ByteArrayInputStream(b), stream, 0, b.length));
        assertTrue(e.getMessage().contains("77777"), e.getMessage());
    }

    @Test
    void anotherObjectsBytesAreWrong() {
        byte[] other = new byte[4096];
        Payload.fill(Payload.streamId(42, "pool/s42/1m/00001", 0), 0, other, 0, other.length);
        assertThrows(PayloadVerifier.VerificationException.class,
                () -> new PayloadVerifier().verify(new ByteArrayInputStream(other), stream, 0, other.length));
    }

    @Test
    void shortBodyIsWrong() {
        byte[] b = content(0, 1000);
        assertThrows(PayloadVerifier.VerificationException.class,
                () -> new PayloadVerifier().verify(new ByteArrayInputStream(b), stream, 0, 1001));
    }

    @Test
    void longBodyIsWrong() {
        byte[] b = content(0, 1001);
        assertThrows(PayloadVerifier.VerificationException.class,
                () -> new PayloadVerifier().verify(new ByteArrayInputStream(b), stream, 0, 1000));
    }
}
