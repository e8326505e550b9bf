package io.coffer.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HttpDateTest {
    private static final DateTimeFormatter JDK =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Test
    void matchesTheJdkFormatterOnEdgesAndRandomInstants() {
        long[] edges = {0, -1, 999, 1000, 1_255_369_800_000L /* S3's doc example */, 951_782_400_000L /* 2000-02-29 */,
                4_107_542_399_999L /* 2100-02-28T23:59:59.999 */, 253_402_300_799_000L /* 9999-12-31T23:59:59 */,
                -62_135_596_800_000L /* 0001-01-01 */};
        for (long t : edges) {
            assertEquals(JDK.format(Instant.ofEpochMilli(t)), HttpDate.format(t), "at " + t);
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long t = r.nextLong(-62_135_596_800_000L, 253_402_300_800_000L);
            assertEquals(JDK.format(Instant.ofEpochMilli(t)), HttpDate.format(t), "at " + t);
        }
        assertEquals("Mon, 12 Oct 2009 17:50:00 GMT", HttpDate.format(1_255_369_800_000L));
    }

    @Test
    void yearsBeyondFourDigitsAreFormattedAsTheJdkDoes() {
        for (long t : new long[] {253_402_300_800_000L /* 10000-01-01 */, -62_135_596_800_001L /* before year 1 */,
                -62_167_219_200_001L /* before year 0 */}) {
            assertEquals(JDK.format(Instant.ofEpochMilli(t)), HttpDate.format(t), "at " + t);
        }
    }

    @Test
    void nowIsTheCurrentSecond() {
        long before = System.currentTimeMillis() / 1000 * 1000;
        String now = HttpDate.now();
        long after = System.currentTimeMillis();
        long parsed = java.time.ZonedDateTime.parse(now, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertTrue(parsed >= before && parsed <= after, now);
        assertEquals(HttpDate.format(parsed), now);
    }
}
