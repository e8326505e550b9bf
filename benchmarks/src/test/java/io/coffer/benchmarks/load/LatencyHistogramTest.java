package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static void assertWithin(long expected, long actual) {
        assertTrue(actual >= expected && actual <= expected + expected / 64 + 1,
                "expected ~" + expected + " (+1/64), got " + actual);
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinOneSixtyFourth() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertEquals(100_000, h.count());
        assertWithin(50_000, h.percentileMicros(0.50));
        assertWithin(99_000, h.percentileMicros(0.99));
        assertEquals(100_000, h.percentileMicros(1.0));
        assertEquals(100_000, h.maxMicros());
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 10; i++) {
            h.record(i);
        }
        assertEquals(4, h.percentileMicros(0.5));
        assertEquals(9, h.percentileMicros(0.99));
    }

    @Test
    void mergedHistogramsCountBoth() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            a.record(1_000);
        }
        b.record(3_600_000_000L); // an hour: far tails stay representable
        a.add(b);
        assertEquals(100, a.count());
        assertWithin(1_000, a.percentileMicros(0.5));
        assertEquals(3_600_000_000L, a.percentileMicros(1.0));
    }

    @Test
    void emptyIsZeroAndBadQuantileIsRejected() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentileMicros(0.99));
        assertThrows(IllegalArgumentException.class, () -> h.percentileMicros(1.5));
    }

    @Test
    void bucketEdgesContainTheirValues() {
        for (long v : new long[] {0, 1, 63, 64, 65, 127, 128, 1000, 123_456_789, Long.MAX_VALUE / 2}) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.upperEdge(i) >= v, "upper edge of bucket of " + v);
            assertTrue(i == 0 || LatencyHistogram.upperEdge(i - 1) < v, "previous bucket below " + v);
        }
    }
}
