package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentLayoutTest {
    private static final SegmentLayout L = SegmentLayout.DEFAULT;
    private static final int S = 65536;

    @ParameterizedTest
    @CsvSource({
        // plaintext, segments, stored
        "0, 1, 16",
        "1, 1, 17",
        "65535, 1, 65551",
        "65536, 1, 65552",
        "65537, 2, 65569",
        "131072, 2, 131104",
        "5242880, 80, 5244160",
    })
    void storedLengthIsPlaintextPlusOneTagPerSegment(long plain, int segments, long stored) {
        assertEquals(segments, L.segmentCount(plain));
        assertEquals(stored, L.ciphertextLength(plain));
        assertEquals(plain, L.plaintextLength(stored));
    }

    @Test
    void plaintextLengthRejectsStoredLengthsNoLayoutProduces() {
        assertThrows(IllegalArgumentException.class, () -> L.plaintextLength(15));
        // a full segment followed by a lone tag: the empty final segment exists only for empty parts
        assertThrows(IllegalArgumentException.class, () -> L.plaintextLength(S + 16 + 16));
        assertThrows(IllegalArgumentException.class, () -> L.plaintextLength(S + 16 + 7));
    }

    @Test
    void plaintextLengthInvertsStoredLengthForEverySmallSize() {
        SegmentLayout small = new SegmentLayout(16);
        for (long p = 0; p < 2000; p++) {
            assertEquals(p, small.plaintextLength(small.ciphertextLength(p)));
        }
    }

    @ParameterizedTest
    @CsvSource({
        // length, first, last, firstSeg, lastSeg, ctOffset, ctLength, skip, keep
        "100, 0, 99, 0, 0, 0, 116, 0, 100",
        "100, 10, 10, 0, 0, 0, 116, 10, 1",
        "65536, 65535, 65535, 0, 0, 0, 65552, 65535, 1",
        "65537, 65536, 65536, 1, 1, 65552, 17, 0, 1",
        "200000, 65535, 65536, 0, 1, 0, 131104, 65535, 2",
        "200000, 131072, 199999, 2, 3, 131104, 68960, 0, 68928",
    })
    void rangeMapsToWholeSegments(long length, long first, long last, long fs, long ls, long off, long len,
                                  int skip, long keep) {
        assertEquals(new CiphertextRange(fs, ls, off, len, skip, keep), L.forPlaintextRange(length, first, last));
    }

    @Test
    void everyRangeOfASmallPartCoversExactlyItsSegments() {
        SegmentLayout small = new SegmentLayout(16);
        for (long length = 1; length <= 70; length++) {
            for (long first = 0; first < length; first++) {
                for (long last = first; last < length; last++) {
                    CiphertextRange r = small.forPlaintextRange(length, first, last);
                    assertEquals(first / 16, r.firstSegment());
                    assertEquals(last / 16, r.lastSegment());
                    assertEquals(r.firstSegment() * 32, r.ciphertextOffset());
                    long end = Math.min(small.ciphertextLength(length), (r.lastSegment() + 1) * 32);
                    assertEquals(end - r.ciphertextOffset(), r.ciphertextLength());
                    assertEquals(first % 16, r.skipBytes());
                    assertEquals(last - first + 1, r.plaintextLength());
                }
            }
        }
    }

    @Test
    void rangesOutsideThePartAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> L.forPlaintextRange(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> L.forPlaintextRange(10, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> L.forPlaintextRange(10, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> L.forPlaintextRange(10, 0, 10));
    }

    @Test
    void wholeOfAnEmptyPartIsItsOneEmptySegment() {
        assertEquals(new CiphertextRange(0, 0, 0, 16, 0, 0), L.whole(0));
        assertEquals(new CiphertextRange(0, 2, 0, 3 * 16 + 2 * S + 1, 0, 2L * S + 1), L.whole(2L * S + 1));
    }

    @Test
    void segmentSizeIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(15));
        assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(16 * 1024 * 1024 + 1));
        assertEquals(S + 16, L.storedSegmentSize());
    }
}
