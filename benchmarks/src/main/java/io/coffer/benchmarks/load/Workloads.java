package io.coffer.benchmarks.load;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Turns a {@link WorkloadSpec} into a prepared workload: the objects it reads are populated first
 * (untimed), then {@link Prepared#op} is what the runner times, and {@link Prepared#check} reads
 * back a sample of what a write workload wrote (a PUT the server acknowledged but did not keep is
 * an error too).
 */
public final class Workloads {
    private static final int PUT_RING = 4;

    private final LoadOptions options;
    private final ObjectStore store;
    // distinguishes this run's PUT content from an earlier run's under the same keys
    private final long nonce = System.nanoTime();

    public Workloads(LoadOptions options, ObjectStore store) {
        this.options = options;
        this.store = store;
    }

    /** A workload ready to time. */
    public record Prepared(WorkloadRunner.Operation op, int concurrency, long maxOps, boolean warmup,
                           long keysInBucket, AfterCheck check, AutoCloseable resources) {}

    /** Untimed read-back after the run; returns error descriptions (empty when all is well). */
    @FunctionalInterface
    public interface AfterCheck {
        List<String> run() throws Exception;
    }

    private String bucket() {
        return options.bucket();
    }

    static String sizeName(long size) {
        if (size % (1L << 30) == 0 && size > 0) {
            return (size >> 30) + "g";
        }
        if (size % (1L << 20) == 0 && size > 0) {
            return (size >> 20) + "m";
        }
        if (size % 1024 == 0 && size > 0) {
            return (size >> 10) + "k";
        }
        return size + "b";
    }

    public Prepared prepare(WorkloadSpec spec) throws Exception {
        store.ensureBucket(bucket());
        return switch (spec.op()) {
            case PUT -> put(spec);
            case GET -> get(spec);
            case HEAD -> head(spec);
            case RANGE -> range(spec);
            case DELETE -> delete(spec);
            case MPU -> multipart(spec);
            case LIST_FLAT, LIST_DELIM -> list(spec);
        };
    }

    private Prepared put(WorkloadSpec spec) {
        String base = "put/" + sizeName(spec.size()) + "/";
        Map<String, Long> written = new ConcurrentHashMap<>();
        WorkloadRunner.Operation op = w -> {
            String key = base + "w" + w.index() + "/" + (w.sequence % PUT_RING);
            long stream = Payload.streamId(store.seed() ^ nonce, key, w.sequence);
            store.put(bucket(), key, stream, spec.size());
            written.put(key, stream);
            return spec.size();
        };
        int samples = spec.size() >= 64L << 20 ? 2 : 8;
        AfterCheck check = () -> {
            List<String> errors = new ArrayList<>();
            PayloadVerifier v = new PayloadVerifier();
            int n = 0;
            for (Map.Entry<String, Long> e : written.entrySet()) {
                if (n++ == samples) {
                    break;
                }
                try {
                    store.getVerified(bucket(), e.getKey(), e.getValue(), spec.size(), v);
                } catch (Exception ex) {
                    errors.add("read-back of " + e.getKey() + ": " + WorkloadRunner.describe(ex));
                }
            }
            return errors;
        };
        return new Prepared(op, spec.concurrency(), options.maxOps(), true, 0, check, null);
    }

    private int poolSize(long size) {
        if (size <= 64 * 1024) {
            return options.smallPool();
        }
        return (int) Math.max(1, Math.min(64, (512L << 20) / size));
    }

    private String poolKey(long size, long i) {
        return String.format("pool/s%d/%s/%05d", store.seed(), sizeName(size), i);
    }

    private int populatePool(long size) throws InterruptedException {
        int count = poolSize(size);
        store.populate(bucket(), count, i -> poolKey(size, i), size, Math.min(16, count),
                options.populateTimeout(), true);
        return count;
    }

    private Prepared get(WorkloadSpec spec) throws InterruptedException {
        int count = populatePool(spec.size());
        WorkloadRunner.Operation op = w -> {
            String key = poolKey(spec.size(), w.random.nextInt(count));
            return store.getVerified(bucket(), key, Payload.streamId(store.seed(), key, 0), spec.size(),
                    w.verifier);
        };
        return new Prepared(op, spec.concurrency(), options.maxOps(), true, 0, List::of, null);
    }

    private Prepared head(WorkloadSpec spec) throws Exception {
        int count = populatePool(spec.size());
        // ETag of a single-part PUT is the MD5 of the content: a HEAD that answers for the wrong
        // content (or length) is an error
        String[] etags = new String[count];
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[64 * 1024];
        for (int i = 0; i < count; i++) {
            String key = poolKey(spec.size(), i);
            long stream = Payload.streamId(store.seed(), key, 0);
            for (long off = 0; off < spec.size(); off += buf.length) {
                int n = (int) Math.min(buf.length, spec.size() - off);
                Payload.fill(stream, off, buf, 0, n);
                md5.update(buf, 0, n);
            }
            etags[i] = "\"" + HexFormat.of().formatHex(md5.digest()) + "\"";
        }
        WorkloadRunner.Operation op = w -> {
            int i = w.random.nextInt(count);
            String key = poolKey(spec.size(), i);
            HeadObjectResponse h = store.client().headObject(b -> b.bucket(bucket()).key(key));
            if (h.contentLength() != spec.size() || !etags[i].equals(h.eTag())) {
                throw new PayloadVerifier.VerificationException("HEAD " + key + ": length " + h.contentLength()
                        + ", ETag " + h.eTag() + "; expected " + spec.size() + ", " + etags[i]);
            }
            return 0;
        };
        return new Prepared(op, spec.concurrency(), options.maxOps(), true, 0, List::of, null);
    }

    private Prepared range(WorkloadSpec spec) throws InterruptedException {
        long objectSize = options.rangeObjectSize();
        if (spec.size() > objectSize) {
            throw new IllegalArgumentException(spec.name() + ": range larger than --range-object");
        }
        String key = String.format("pool/s%d/range-%s/00000", store.seed(), sizeName(objectSize));
        store.populate(bucket(), 1, i -> key, objectSize, 1, options.populateTimeout(), true);
        long stream = Payload.streamId(store.seed(), key, 0);
        WorkloadRunner.Operation op = w -> {
            long offset = w.random.nextLong(objectSize - spec.size() + 1);
            return store.getRangeVerified(bucket(), key, stream, offset, spec.size(), w.verifier);
        };
        return new Prepared(op, spec.concurrency(), options.maxOps(), true, 0, List::of, null);
    }

    private Prepared delete(WorkloadSpec spec) throws InterruptedException {
        int count = options.deleteObjects();
        String base = "del/" + Long.toHexString(nonce) + "/";
        store.populate(bucket(), count, i -> base + String.format("%07d", i), spec.size(),
                16, options.populateTimeout(), false);
        AtomicLong next = new AtomicLong();
        WorkloadRunner.Operation op = w -> {
            long i = next.getAndIncrement();
            String key = base + String.format("%07d", i);
            store.client().deleteObject(b -> b.bucket(bucket()).key(key));
            return 0;
        };
        // S3 answers 204 to DELETE of a missing key too, so only a HEAD afterwards proves it
        AfterCheck check = () -> {
            List<String> errors = new ArrayList<>();
            long deleted = Math.min(next.get(), count);
            for (int s = 0; s < 16 && deleted > 0; s++) {
                String key = base + String.format("%07d", (s * 7919L) % deleted);
                if (store.headOrNull(bucket(), key) != null) {
                    errors.add("deleted key " + key + " still answers HEAD");
                }
            }
            return errors;
        };
        return new Prepared(op, spec.concurrency(), Math.min(options.maxOps(), count), false, 0, check, null);
    }

    private Prepared multipart(WorkloadSpec spec) {
        long size = spec.size();
        long partSize = options.partSize();
        int parts = (int) ((size + partSize - 1) / partSize);
        if (parts > 10_000) {
            throw new IllegalArgumentException(spec.name() + ": more than 10,000 parts; raise --part-size");
        }
        ExecutorService partPool = Executors.newFixedThreadPool(spec.concurrency(), r -> {
            Thread t = new Thread(r, "mpu-part");
            t.setDaemon(true);
            return t;
        });
        String key = "mpu/" + sizeName(size) + "/obj";
        boolean crc = options.checksums();
        S3Client s3 = store.client();
        WorkloadRunner.Operation op = w -> {
            long stream = Payload.streamId(store.seed() ^ nonce, key, w.sequence);
            String uploadId = s3.createMultipartUpload(b -> {
                b.bucket(bucket()).key(key);
                if (crc) {
                    b.checksumAlgorithm(ChecksumAlgorithm.CRC32); // as the SDK's transfer manager does
                }
            }).uploadId();
            try {
                List<Future<CompletedPart>> futures = new ArrayList<>(parts);
                for (int p = 0; p < parts; p++) {
                    int number = p + 1;
                    long offset = p * partSize;
                    long len = Math.min(partSize, size - offset);
                    futures.add(partPool.submit(() -> {
                        UploadPartResponse r = s3.uploadPart(b -> {
                            b.bucket(bucket()).key(key).uploadId(uploadId).partNumber(number).contentLength(len);
                            if (crc) {
                                b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                            }
                        }, ObjectStore.body(stream, offset, len));
                        return CompletedPart.builder().partNumber(number).eTag(r.eTag())
                                .checksumCRC32(r.checksumCRC32()).build();
                    }));
                }
                List<CompletedPart> done = new ArrayList<>(parts);
                for (Future<CompletedPart> f : futures) {
                    done.add(f.get());
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(done)));
            } catch (Exception e) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId));
                } catch (RuntimeException ignored) {
                    // the upload already failed; the original error is the one to report
                }
                throw e;
            }
            // read back the length and two 1 MiB ranges across part boundaries (small next to the upload)
            HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket()).key(key));
            if (h.contentLength() != size) {
                throw new PayloadVerifier.VerificationException("multipart object is " + h.contentLength()
                        + " bytes, expected " + size);
            }
            long len = Math.min(1L << 20, size);
            for (int s = 0; s < 2; s++) {
                long offset = w.random.nextLong(size - len + 1);
                store.getRangeVerified(bucket(), key, stream, offset, len, w.verifier);
            }
            return size;
        };
        return new Prepared(op, 1, Math.min(options.maxOps(), 100), false, 0, List::of, partPool::shutdownNow);
    }

    private Prepared list(WorkloadSpec spec) throws InterruptedException {
        ListingBucket lb = new ListingBucket(store, options.listBucket(), options.listKeys(), options.pageKeys());
        lb.ensurePopulated(32, options.populateTimeout());
        boolean flat = spec.op() == WorkloadSpec.Op.LIST_FLAT;
        WorkloadRunner.Operation op = w -> {
            if (w.state == null) {
                w.state = new ListingBucket.Cursor();
            }
            ListingBucket.Cursor c = (ListingBucket.Cursor) w.state;
            if (flat) {
                lb.flatPage(c);
            } else {
                lb.delimitedPage(c);
            }
            return 0;
        };
        return new Prepared(op, spec.concurrency(), options.maxOps(), true, lb.keys(), List::of, null);
    }
}
