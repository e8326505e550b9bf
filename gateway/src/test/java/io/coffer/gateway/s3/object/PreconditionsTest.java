package io.coffer.gateway.s3.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coffer.gateway.s3.object.Preconditions.Outcome;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
    private static final String ETAG = "\"abc\"";
    // 2026-01-01T00:00:00Z
    private static final long MODIFIED = 1767225600_000L + 500;
    private static final String BEFORE = "Wed, 31 Dec 2025 23:59:59 GMT";
    private static final String SAME = "Thu, 01 Jan 2026 00:00:00 GMT";
    private static final String AFTER = "Thu, 01 Jan 2026 00:00:01 GMT";

    private static Outcome get(String ifMatch, String ifNoneMatch, String ims, String ius) {
        return new Preconditions(ifMatch, ifNoneMatch, ims, ius).evaluate(ETAG, MODIFIED);
    }

    @Test
    void ifMatchFailsWith412AndMatchesQuotedBareOrStar() {
        assertEquals(Outcome.PRECONDITION_FAILED, get("\"other\"", null, null, null));
        assertEquals(Outcome.PROCEED, get("\"abc\"", null, null, null));
        assertEquals(Outcome.PROCEED, get("abc", null, null, null));
        assertEquals(Outcome.PROCEED, get("*", null, null, null));
        assertEquals(Outcome.PROCEED, get("\"x\", \"abc\"", null, null, null));
    }

    @Test
    void ifNoneMatchHitAnswers304() {
        assertEquals(Outcome.NOT_MODIFIED, get(null, "\"abc\"", null, null));
        assertEquals(Outcome.PROCEED, get(null, "\"zzz\"", null, null));
    }

    @Test
    void datesCompareAtSecondPrecision() {
        assertEquals(Outcome.NOT_MODIFIED, get(null, null, SAME, null));
        assertEquals(Outcome.PROCEED, get(null, null, BEFORE, null));
        assertEquals(Outcome.PRECONDITION_FAILED, get(null, null, null, BEFORE));
        assertEquals(Outcome.PROCEED, get(null, null, null, SAME));
        assertEquals(Outcome.PROCEED, get(null, null, "not a date", null));
    }

    @Test
    void etagConditionsTakePrecedenceOverDates() {
        // If-Match true + If-Unmodified-Since false -> 200 (S3 documents this)
        assertEquals(Outcome.PROCEED, get("\"abc\"", null, null, BEFORE));
        // If-None-Match false (no match) + If-Modified-Since says unmodified -> 200: If-None-Match decides
        assertEquals(Outcome.PROCEED, get(null, "\"zzz\"", AFTER, null));
        // 412 wins over 304
        assertEquals(Outcome.PRECONDITION_FAILED, get("\"zzz\"", "\"abc\"", null, null));
    }

    @Test
    void copySourceConditionsFailWith412() {
        Preconditions p = new Preconditions(null, "\"abc\"", null, null);
        assertEquals(Outcome.PRECONDITION_FAILED, p.evaluateForCopy(ETAG, MODIFIED));
        assertEquals(Outcome.PRECONDITION_FAILED, new Preconditions(null, null, AFTER, null).evaluateForCopy(ETAG, MODIFIED));
    }
}
