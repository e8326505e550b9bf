package io.coffer.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a body to its end and checks every byte against the {@link Payload} it should be, with two
 * bounded scratch buffers per worker: a fast wrong answer is an error, not throughput.
 */
public final class PayloadVerifier {
    private static final int CHUNK = 64 * 1024;
    private final byte[] got = new byte[CHUNK];
    private final byte[] want = new byte[CHUNK];

    /**
     * Consumes {@code in} fully; returns the number of bytes read, all verified.
     *
     * @throws VerificationException on the first wrong byte, or when the body is not exactly
     *     {@code length} bytes long
     */
    public long verify(InputStream in, long stream, long offset, long length) throws IOException {
        long read = 0;
        while (true) {
            int n = in.read(got, 0, CHUNK);
            if (n < 0) {
                break;
            }
            if (read + n > length) {
                throw new VerificationException("body longer than the expected " + length + " bytes");
            }
            Payload.fill(stream, offset + read, want, 0, n);
            int at = Arrays.mismatch(got, 0, n, want, 0, n);
            if (at >= 0) {
                throw new VerificationException("wrong byte at offset " + (offset + read + at));
            }
            read += n;
        }
        if (read != length) {
            throw new VerificationException("body of " + read + " bytes, expected " + length);
        }
        return read;
    }

    /** A body that differs from what was written. */
    public static final class VerificationException extends IOException {
        public VerificationException(String message) {
            super(message);
        }
    }
}
