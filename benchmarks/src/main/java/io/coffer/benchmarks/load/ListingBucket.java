package io.coffer.benchmarks.load;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket holding N one-byte objects {@code k/dDDDDD/IIIIIII}, 100 per "directory", so that a flat
 * listing of page p must be exactly keys p*page .. p*page+page-1 (page = 1,000 by default) and
 * a "/"-delimited listing must be the directories in order. A marker object
 * {@code m/populated-N}, written last, lets later runs reuse the bucket instead of populating it
 * again.
 */
public final class ListingBucket {
    // one byte, not zero: s3proxy 3.3.0 drops the connection under ~40 % of the SDK's empty
    // aws-chunked PUTs (broken pipe), and a tiny object costs the server the same metadata work
    static final long OBJECT_SIZE = 1;
    static final int PER_DIR = 100;
    static final String PREFIX = "k/";

    private final ObjectStore store;
    private final String bucket;
    private final long keys;
    private final int page;

    public ListingBucket(ObjectStore store, String bucket, long keys, int page) {
        if (keys < 1 || page < 1 || page > 1000) {
            throw new IllegalArgumentException("keys must be >= 1 and page in [1, 1000]");
        }
        this.store = store;
        this.bucket = bucket;
        this.keys = keys;
        this.page = page;
    }

    public String bucket() {
        return bucket;
    }

    public long keys() {
        return keys;
    }

    static String key(long i) {
        return String.format("k/d%05d/%07d", i / PER_DIR, i);
    }

    static String dir(long d) {
        return String.format("k/d%05d/", d);
    }

    String marker() {
        return "m/populated-" + keys;
    }

    /** Populates unless the marker says an earlier run did; returns true when it had to PUT. */
    public boolean ensurePopulated(int concurrency, Duration timeout) throws InterruptedException {
        store.ensureBucket(bucket);
        if (store.headOrNull(bucket, marker()) != null) {
            return false;
        }
        long done = store.populate(bucket, keys, ListingBucket::key, OBJECT_SIZE, concurrency, timeout, false);
        if (done < keys) {
            throw new IllegalStateException("populated only " + done + " of " + keys + " keys in " + timeout
                    + " (raise --populate-timeout)");
        }
        store.put(bucket, marker(), Payload.streamId(store.seed(), marker(), 0), OBJECT_SIZE);
        return true;
    }

    /** A worker's position in a paginated walk; pages restart at the beginning after the last. */
    public static final class Cursor {
        String token;
        long next;

        void reset() {
            token = null;
            next = 0;
        }
    }

    /** Fetches and checks the next flat page; returns the number of keys in it. */
    public long flatPage(Cursor c) throws PayloadVerifier.VerificationException {
        ListObjectsV2Response r = store.client().listObjectsV2(b -> b.bucket(bucket).prefix(PREFIX)
                .maxKeys(page).continuationToken(c.token));
        List<S3Object> contents = r.contents();
        try {
            long expected = Math.min(page, keys - c.next);
            if (contents.size() != expected) {
                throw new PayloadVerifier.VerificationException("flat page at key " + c.next + " has "
                        + contents.size() + " keys, expected " + expected);
            }
            for (int i = 0; i < contents.size(); i++) {
                S3Object o = contents.get(i);
                if (!o.key().equals(key(c.next + i)) || o.size() != OBJECT_SIZE) {
                    throw new PayloadVerifier.VerificationException("flat page: got '" + o.key() + "' ("
                            + o.size() + " B) where '" + key(c.next + i) + "' (" + OBJECT_SIZE + " B) belongs");
                }
            }
            advance(c, r, contents.size(), keys);
            return contents.size();
        } catch (PayloadVerifier.VerificationException e) {
            c.reset();
            throw e;
        }
    }

    /** Fetches and checks the next "/"-delimited page of directories. */
    public long delimitedPage(Cursor c) throws PayloadVerifier.VerificationException {
        long dirs = (keys + PER_DIR - 1) / PER_DIR;
        ListObjectsV2Response r = store.client().listObjectsV2(b -> b.bucket(bucket).prefix(PREFIX)
                .delimiter("/").maxKeys(page).continuationToken(c.token));
        List<CommonPrefix> prefixes = r.commonPrefixes();
        try {
            long expected = Math.min(page, dirs - c.next);
            if (prefixes.size() != expected || !r.contents().isEmpty()) {
                throw new PayloadVerifier.VerificationException("delimited page at dir " + c.next + " has "
                        + prefixes.size() + " prefixes and " + r.contents().size() + " keys, expected "
                        + expected + " prefixes");
            }
            for (int i = 0; i < prefixes.size(); i++) {
                if (!prefixes.get(i).prefix().equals(dir(c.next + i))) {
                    throw new PayloadVerifier.VerificationException("delimited page: got '"
                            + prefixes.get(i).prefix() + "' where '" + dir(c.next + i) + "' belongs");
                }
            }
            advance(c, r, prefixes.size(), dirs);
            return prefixes.size();
        } catch (PayloadVerifier.VerificationException e) {
            c.reset();
            throw e;
        }
    }

    private static void advance(Cursor c, ListObjectsV2Response r, int got, long total)
            throws PayloadVerifier.VerificationException {
        c.next += got;
        if (Boolean.TRUE.equals(r.isTruncated()) && c.next < total) {
            c.token = r.nextContinuationToken();
        } else if (c.next == total) {
            c.reset(); // a truncated flag on the exact last page is tolerated: the walk starts over
        } else {
            throw new PayloadVerifier.VerificationException("listing ended after " + c.next + " of " + total);
        }
    }
}
