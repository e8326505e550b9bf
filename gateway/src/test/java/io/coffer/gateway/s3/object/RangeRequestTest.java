package io.coffer.gateway.s3.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coffer.gateway.store.ByteRange;
import org.junit.jupiter.api.Test;

class RangeRequestTest {
    private static RangeRequest partial(long first, long last) {
        return new RangeRequest.Partial(ByteRange.inclusive(first, last));
    }

    @Test
    void closedOpenAndSuffixRangesResolveAgainstTheSize() {
        assertEquals(partial(0, 9), RangeRequest.parse("bytes=0-9", 100));
        assertEquals(partial(90, 99), RangeRequest.parse("bytes=90-", 100));
        assertEquals(partial(90, 99), RangeRequest.parse("bytes=90-500", 100));
        assertEquals(partial(70, 99), RangeRequest.parse("bytes=-30", 100));
        assertEquals(partial(0, 99), RangeRequest.parse("bytes=-300", 100));
        assertEquals(partial(99, 99), RangeRequest.parse("bytes=99-99", 100));
    }

    @Test
    void rangeStartingAtOrPastTheEndIsUnsatisfiable() {
        assertEquals(RangeRequest.UNSATISFIABLE, RangeRequest.parse("bytes=100-", 100));
        assertEquals(RangeRequest.UNSATISFIABLE, RangeRequest.parse("bytes=0-", 0));
        assertEquals(RangeRequest.UNSATISFIABLE, RangeRequest.parse("bytes=-5", 0));
        assertEquals(RangeRequest.UNSATISFIABLE, RangeRequest.parse("bytes=-0", 100));
    }

    @Test
    void headersS3DoesNotParseAreIgnored() {
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse(null, 100));
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse("items=0-1", 100));
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse("bytes=0-1,5-6", 100));
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse("bytes=9-3", 100));
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse("bytes=a-3", 100));
        assertEquals(RangeRequest.WHOLE, RangeRequest.parse("bytes=-", 100));
    }
}
