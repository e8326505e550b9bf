package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.ShardException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The write and read pipelines against a real ShardStore; small sectors so objects span many. */
class PipelinesTest {
    /** 3 segments of 1 KiB (+16 B tag) per sector. */
    private static final StoreSettings SMALL = new StoreSettings(3 * (1024 + 16), 1024, 100);

    @TempDir
    Path dir;
    StoreFixture f;

    @BeforeEach
    void open() {
        f = new StoreFixture(dir, SMALL);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private StoredObject put(String key, byte[] data, BodyChecks checks, SseCustomerKey sseC) {
        ObjectWrite w = new ObjectWrite(StoreFixture.BUCKET, key, data.length,
                new ObjectMetadata("text/plain", Map.of("a", "b"), Map.of(), Map.of()), checks, sseC,
                PutCondition.NONE, false);
        return f.writer.put(w, StoreFixture.body(data, 777)).block();
    }

    private byte[] get(String key, ByteRange range, SseCustomerKey sseC) {
        StoredObject obj = f.reader.open(StoreFixture.BUCKET, key, null).block();
        DataKey k = f.reader.dataKey(obj, sseC);
        return StoreFixture.drain(Flux.from(f.reader.readVerifyingFirst(obj, range, k).block()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1023, 1024, 1025, 3 * 1024, 3 * 1024 + 1, 10_000, 64 * 1024 + 1})
    void putThenGetReturnsSameBytes(int size) throws Exception {
        byte[] data = StoreFixture.random(size);
        StoredObject stored = put("k" + size, data, BodyChecks.NONE, null);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        assertEquals(md5, stored.etag());
        assertEquals(size, stored.size());
        assertEquals("null", stored.versionId());
        StoredObject opened = f.reader.open(StoreFixture.BUCKET, "k" + size, null).block();
        assertEquals(md5, opened.etag());
        assertEquals("text/plain", opened.manifest().contentType());
        assertEquals(Map.of("a", "b"), opened.manifest().userMetadata());
        assertArrayEquals(data, get("k" + size, ByteRange.whole(size), null));
    }

    @Test
    void everyRangeOfAMultiSectorObjectDecryptsToTheSameBytes() {
        int size = 10_000;
        byte[] data = StoreFixture.random(size);
        put("r", data, BodyChecks.NONE, null);
        long[][] ranges = {{0, 1}, {1023, 2}, {1024, 1024}, {3 * 1024 - 5, 10}, {5000, 5000}, {9999, 1}, {0, size},
                {3071, 3074}};
        for (long[] r : ranges) {
            byte[] got = get("r", new ByteRange(r[0], r[1]), null);
            assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), got, "range " + r[0] + "+" + r[1]);
        }
    }

    @Test
    void sectorsAreCutAtWholeSegments() {
        StoredObject obj = put("s", StoreFixture.random(10_000), BodyChecks.NONE, null);
        // 10 segments: 3 + 3 + 3 + 1 per sector
        assertEquals(4, obj.version().sectors().size());
        assertEquals(3 * 1040, obj.version().sectors().get(0).length());
        assertEquals(10_000 - 9 * 1024 + 16, obj.version().sectors().get(3).length());
    }

    @Test
    void badContentMd5FailsAndCommitsNothing() throws Exception {
        byte[] data = StoreFixture.random(5000);
        String wrongMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(new byte[1]));
        BodyChecks checks = new BodyChecks(wrongMd5, null, Mono.empty(), null);
        RuntimeException e = assertThrows(RuntimeException.class, () -> put("bad", data, checks, null));
        assertTrue(e.getMessage().contains("BadDigest") || e.toString().contains("Digest"), e.toString());
        assertTrue(f.shard.getVersion(StoreFixture.BUCKET, "bad", null).block().isEmpty());
        assertEquals(0, f.shard.stats().block().temporarySectors(), "sectors of the failed PUT are deleted");
    }

    @Test
    void checksumIsVerifiedAndStored() {
        byte[] data = "hello world".getBytes();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        String good = Base64.getEncoder().encodeToString(
                java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        StoredObject obj = put("c", data, new BodyChecks(null, ChecksumAlgorithm.CRC32C, Mono.just(good), null), null);
        assertEquals(good, obj.manifest().checksums().get("CRC32C"));
        assertThrows(RuntimeException.class, () -> put("c2", data,
                new BodyChecks(null, ChecksumAlgorithm.CRC32C, Mono.just("AAAAAA=="), null), null));
        assertTrue(f.shard.getVersion(StoreFixture.BUCKET, "c2", null).block().isEmpty());
    }

    @Test
    void shortBodyIsIncompleteAndLeavesNoSectors() {
        ObjectWrite w = new ObjectWrite(StoreFixture.BUCKET, "short", 5000, ObjectMetadata.EMPTY, BodyChecks.NONE,
                null, PutCondition.NONE, false);
        S3Exception e = assertThrows(S3Exception.class,
                () -> f.writer.put(w, StoreFixture.body(StoreFixture.random(4000), 1000)).block());
        assertEquals(S3Error.INCOMPLETE_BODY, e.error());
        assertEquals(0, f.shard.stats().block().temporarySectors());
    }

    @Test
    void ifNoneMatchStarRefusesToOverwrite() {
        put("once", StoreFixture.random(10), BodyChecks.NONE, null);
        ObjectWrite w = new ObjectWrite(StoreFixture.BUCKET, "once", 10, ObjectMetadata.EMPTY, BodyChecks.NONE,
                null, PutCondition.IF_ABSENT, false);
        ShardException e = assertThrows(ShardException.class,
                () -> f.writer.put(w, StoreFixture.body(StoreFixture.random(10), 10)).block());
        assertEquals(ShardException.Code.PRECONDITION_FAILED, e.code());
        assertEquals(0, f.shard.stats().block().temporarySectors());
    }

    @Test
    void sseCObjectNeedsItsKey() {
        String keyB64 = Base64.getEncoder().encodeToString(StoreFixture.random(32));
        SseCustomerKey key = SseCustomerKey.of(keyB64, md5B64(Base64.getDecoder().decode(keyB64)));
        String otherB64 = Base64.getEncoder().encodeToString(StoreFixture.random(32));
        SseCustomerKey other = SseCustomerKey.of(otherB64, md5B64(Base64.getDecoder().decode(otherB64)));
        byte[] data = StoreFixture.random(3000);
        put("sse", data, BodyChecks.NONE, key);
        assertArrayEquals(data, get("sse", ByteRange.whole(3000), key));
        StoredObject obj = f.reader.open(StoreFixture.BUCKET, "sse", null).block();
        assertEquals(S3Error.INVALID_REQUEST, assertThrows(S3Exception.class, () -> f.reader.dataKey(obj, null)).error());
        assertEquals(S3Error.ACCESS_DENIED, assertThrows(S3Exception.class, () -> f.reader.dataKey(obj, other)).error());
    }

    @Test
    void tamperedManifestIsRejected() {
        put("t", StoreFixture.random(100), BodyChecks.NONE, null);
        var v = f.shard.getVersion(StoreFixture.BUCKET, "t", null).block().get();
        byte[] blob = v.manifest().clone();
        blob[blob.length / 2] ^= 1;
        var forged = new io.coffer.shard.api.ObjectVersion(v.bucket(), v.key(), v.versionId(), v.generation() + 1,
                false, v.size(), v.etag(), v.lastModifiedMillis(), v.storageClass(), v.sectors(), blob);
        f.shard.putVersion(forged, PutCondition.NONE, true).block();
        assertThrows(IntegrityException.class, () -> f.reader.open(StoreFixture.BUCKET, "t", null).block());
    }

    @Test
    void manifestOfAnotherKeyIsRejected() {
        put("x", StoreFixture.random(100), BodyChecks.NONE, null);
        var v = f.shard.getVersion(StoreFixture.BUCKET, "x", null).block().get();
        var moved = new io.coffer.shard.api.ObjectVersion(v.bucket(), "y", v.versionId(), v.generation() + 1,
                false, v.size(), v.etag(), v.lastModifiedMillis(), v.storageClass(), v.sectors(), v.manifest());
        f.shard.putVersion(moved, PutCondition.NONE, true).block();
        assertThrows(IntegrityException.class, () -> f.reader.open(StoreFixture.BUCKET, "y", null).block());
    }

    @Test
    void bodyLargerThanManySectorsStreamsWithBoundedBuffers() {
        int size = 512 * 1024;
        byte[] data = StoreFixture.random(size);
        long t0 = System.nanoTime();
        StoredObject obj = f.writer.put(new ObjectWrite(StoreFixture.BUCKET, "big", size, ObjectMetadata.EMPTY,
                BodyChecks.NONE, null, PutCondition.NONE, false), StoreFixture.body(data, 8192)).block();
        long t1 = System.nanoTime();
        assertTrue(obj.version().sectors().size() > 160);
        assertArrayEquals(data, get("big", ByteRange.whole(size), null));
        long t2 = System.nanoTime();
        System.out.printf("512 KiB in %d sectors: put %d ms, get %d ms%n", obj.version().sectors().size(),
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertEquals(0, f.shard.stats().block().temporarySectors());
    }

    /**
     * Objects of at most one segment (default settings) commit their sector with the manifest in one
     * group-commit request; one byte more streams (a request per sector plus the manifest's). Every
     * way such a PUT can fail leaves no version, no sector and no space taken.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 100, 4096, WritePipeline.SMALL_OBJECT_MAX, WritePipeline.SMALL_OBJECT_MAX + 1})
    void smallObjectsCommitInOneRequestAndTheirFailuresLeaveNothing(int size, @TempDir Path other) throws Exception {
        try (StoreFixture d = new StoreFixture(other, StoreSettings.DEFAULT)) {
            byte[] data = StoreFixture.random(size);
            d.writer.put(write("warm", size, BodyChecks.NONE, PutCondition.NONE), StoreFixture.body(data, 1000)).block();
            long commits = d.shard.committer().commits();
            StoredObject obj = d.writer.put(write("k", size, BodyChecks.NONE, PutCondition.NONE),
                    StoreFixture.body(data, 1000)).block();
            long requests = d.shard.committer().commits() - commits;
            if (size <= WritePipeline.SMALL_OBJECT_MAX) {
                assertEquals(1, requests, "one group-commit request for a small object");
            } else {
                assertTrue(requests >= 2, requests + " requests");
            }
            assertEquals(1, obj.version().sectors().size());
            StoredObject opened = d.reader.open(StoreFixture.BUCKET, "k", null).block();
            assertArrayEquals(data, StoreFixture.drain(Flux.from(d.reader.readVerifyingFirst(opened,
                    ByteRange.whole(size), d.reader.dataKey(opened, null)).block())));
            assertTrue(d.shard.sectorInfo(obj.version().sectors().get(0).id()).block().orElseThrow().committed());
            long used = d.shard.stats().block().bytesUsed();

            String wrongMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(new byte[1]));
            S3Exception bad = assertThrows(S3Exception.class, () -> d.writer.put(write("bad", size,
                    new BodyChecks(wrongMd5, null, Mono.empty(), null), PutCondition.NONE),
                    StoreFixture.body(data, 1000)).block());
            assertEquals(S3Error.BAD_DIGEST, bad.error());
            assertThrows(RuntimeException.class, () -> d.writer.put(write("badsum", size,
                    new BodyChecks(null, ChecksumAlgorithm.CRC32C, Mono.just("AQIDBA=="), null), PutCondition.NONE),
                    StoreFixture.body(data, 1000)).block());
            if (size > 0) {
                assertEquals(S3Error.INCOMPLETE_BODY, assertThrows(S3Exception.class, () -> d.writer.put(
                        write("short", size, BodyChecks.NONE, PutCondition.NONE),
                        StoreFixture.body(Arrays.copyOf(data, size - 1), 1000)).block()).error());
            }
            assertEquals(S3Error.INCOMPLETE_BODY, assertThrows(S3Exception.class, () -> d.writer.put(
                    write("long", size, BodyChecks.NONE, PutCondition.NONE),
                    StoreFixture.body(Arrays.copyOf(data, size + 1), 1000)).block()).error());
            assertEquals(ShardException.Code.PRECONDITION_FAILED, assertThrows(ShardException.class, () -> d.writer.put(
                    write("k", size, BodyChecks.NONE, PutCondition.IF_ABSENT), StoreFixture.body(data, 1000)).block())
                    .code());
            for (String key : new String[] {"bad", "badsum", "short", "long"}) {
                assertTrue(d.shard.getVersion(StoreFixture.BUCKET, key, null).block().isEmpty(), key);
            }
            assertEquals(0, d.shard.stats().block().temporarySectors());
            assertEquals(used, d.shard.stats().block().bytesUsed(), "space of the failed PUTs given back");
        }
    }

    private static ObjectWrite write(String key, long size, BodyChecks checks, PutCondition condition) {
        return new ObjectWrite(StoreFixture.BUCKET, key, size, ObjectMetadata.EMPTY, checks, null, condition, false);
    }

    private static String md5B64(byte[] b) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    @Test
    void sixteenMebibytesThroughDefaultSectorsRoundTrip(@TempDir Path other) throws Exception {
        try (StoreFixture d = new StoreFixture(other, StoreSettings.DEFAULT)) {
            int size = 16 * 1024 * 1024;
            byte[] data = StoreFixture.random(size);
            ObjectWrite w = new ObjectWrite(StoreFixture.BUCKET, "big", size, ObjectMetadata.EMPTY, BodyChecks.NONE,
                    null, PutCondition.NONE, false);
            // three rounds overwriting the same key: the first pays JIT warm-up of GCM and MD5
            StoredObject obj = null;
            byte[] got = null;
            long t0 = 0;
            long t1 = 0;
            long t2 = 0;
            for (int round = 0; round < 3; round++) {
                t0 = System.nanoTime();
                obj = d.writer.put(w, StoreFixture.body(data, 64 * 1024)).block();
                t1 = System.nanoTime();
                StoredObject opened = d.reader.open(StoreFixture.BUCKET, "big", null).block();
                got = StoreFixture.drain(Flux.from(d.reader.readVerifyingFirst(opened, ByteRange.whole(size),
                        d.reader.dataKey(opened, null)).block()));
                t2 = System.nanoTime();
            }
            assertArrayEquals(data, got);
            // 4 MiB of ciphertext per sector, cut at whole 64 KiB + 16 B segments
            assertEquals(5, obj.version().sectors().size());
            assertEquals(63L * (64 * 1024 + 16), obj.version().sectors().get(0).length());
            System.out.printf("16 MiB, default sectors, third round: put %.0f MB/s, get %.0f MB/s%n",
                    size / 1e6 / ((t1 - t0) / 1e9), size / 1e6 / ((t2 - t1) / 1e9));
        }
    }
}
