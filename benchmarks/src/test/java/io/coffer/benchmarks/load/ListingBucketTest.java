package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListingBucketTest {

    @Test
    void keysSortInIndexOrderSoPagesAreContiguousRanges() {
        // S3 lists in UTF-8 byte order; the page check relies on it matching index order up to 10^7
        long[] probes = {0, 1, 99, 100, 101, 999, 1000, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 9_999_998};
        for (long i : probes) {
            String a = ListingBucket.key(i);
            String b = ListingBucket.key(i + 1);
            assertTrue(a.compareTo(b) < 0, a + " < " + b);
            assertTrue(a.startsWith(ListingBucket.dir(i / ListingBucket.PER_DIR)), a);
            assertTrue(a.startsWith(ListingBucket.PREFIX), a);
        }
        assertEquals("k/d00001/0000100", ListingBucket.key(100));
        // the last directory of the largest bucket LoadOptions allows (10^7 keys) keeps the width
        assertEquals("k/d99999/9999999", ListingBucket.key(9_999_999));
    }

    @Test
    void pageSizeIsBoundedLikeS3MaxKeys() {
        assertThrows(IllegalArgumentException.class, () -> new ListingBucket(null, "b", 10, 1001));
        assertThrows(IllegalArgumentException.class, () -> new ListingBucket(null, "b", 0, 1000));
    }
}
