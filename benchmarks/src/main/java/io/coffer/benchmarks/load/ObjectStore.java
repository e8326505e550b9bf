package io.coffer.benchmarks.load;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongFunction;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The load generator's view of one server: bucket creation, streaming PUT of generated content,
 * verifying GET, and bounded concurrent population of many objects.
 */
public final class ObjectStore {
    private final S3Client s3;
    private final long seed;

    public ObjectStore(S3Client s3, long seed) {
        this.s3 = s3;
        this.seed = seed;
    }

    public S3Client client() {
        return s3;
    }

    public long seed() {
        return seed;
    }

    public void ensureBucket(String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    /** PUTs {@code size} bytes of stream {@code stream}, generated as the SDK reads them. */
    public void put(String bucket, String key, long stream, long size) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size),
                body(stream, 0, size));
    }

    static RequestBody body(long stream, long offset, long size) {
        return size == 0
                ? RequestBody.empty()
                : RequestBody.fromContentProvider(() -> new PayloadInputStream(stream, offset, size), size,
                        "application/octet-stream");
    }

    /** GETs the whole object and verifies every byte; returns the verified length. */
    public long getVerified(String bucket, String key, long stream, long size, PayloadVerifier verifier)
            throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return verifyOrAbort(in, verifier, stream, 0, size);
        }
    }

    /** GETs bytes [offset, offset + length) and verifies them. */
    public long getRangeVerified(String bucket, String key, long stream, long offset, long length,
                                 PayloadVerifier verifier) throws IOException {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try (ResponseInputStream<GetObjectResponse> in =
                     s3.getObject(b -> b.bucket(bucket).key(key).range(range))) {
            String cr = in.response().contentRange();
            if (cr == null || !cr.startsWith("bytes " + offset + "-" + (offset + length - 1) + "/")) {
                in.abort();
                throw new PayloadVerifier.VerificationException("Content-Range '" + cr + "' for " + range);
            }
            return verifyOrAbort(in, verifier, stream, offset, length);
        }
    }

    private static long verifyOrAbort(ResponseInputStream<?> in, PayloadVerifier verifier, long stream,
                                      long offset, long length) throws IOException {
        try {
            return verifier.verify(in, stream, offset, length);
        } catch (IOException | RuntimeException e) {
            in.abort(); // do not drain a wrong body through a pooled connection
            throw e;
        }
    }

    /** HEAD; null when the object does not exist. */
    public HeadObjectResponse headOrNull(String bucket, String key) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Makes sure objects {@code 0..count-1} exist with the right length (content version 0), PUTting
     * the missing ones from {@code concurrency} threads; bounded by {@code timeout}.
     *
     * @return how many objects are known to be in place
     */
    public long populate(String bucket, long count, LongFunction<String> keyOf, long size, int concurrency,
                         Duration timeout, boolean checkFirst) throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        WorkloadRunner.Tally t = WorkloadRunner.run(concurrency, timeout, count, seed, w -> {
            long i = next.getAndIncrement();
            String key = keyOf.apply(i);
            if (checkFirst) {
                HeadObjectResponse h = headOrNull(bucket, key);
                if (h != null && h.contentLength() == size) {
                    return 0;
                }
            }
            // setup, not measurement: a PUT that fails is tried twice more before population gives up
            for (int attempt = 1; ; attempt++) {
                try {
                    put(bucket, key, Payload.streamId(seed, key, 0), size);
                    return size;
                } catch (RuntimeException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        });
        if (t.errors() > 0) {
            throw new IllegalStateException("populating " + bucket + ": " + t.errors() + " of " + count
                    + " PUTs failed, first: " + t.firstError());
        }
        return t.ops();
    }
}
