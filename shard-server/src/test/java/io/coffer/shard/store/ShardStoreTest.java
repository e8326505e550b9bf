package io.coffer.shard.store;

import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.meta.JobRecord;
import io.coffer.shard.volume.ExtentAllocator;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static io.coffer.shard.store.StoreFixture.TIMEOUT;
import static io.coffer.shard.store.StoreFixture.assertCode;
import static io.coffer.shard.store.StoreFixture.body;
import static io.coffer.shard.store.StoreFixture.bucket;
import static io.coffer.shard.store.StoreFixture.deleteMarker;
import static io.coffer.shard.store.StoreFixture.putSector;
import static io.coffer.shard.store.StoreFixture.randomBytes;
import static io.coffer.shard.store.StoreFixture.read;
import static io.coffer.shard.store.StoreFixture.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LeakWatch.class)
class ShardStoreTest {
    @TempDir
    Path dir;
    ShardStore store;

    @BeforeEach
    void open() {
        store = ShardStore.open(dir, ShardConfig.forTests());
        store.createBucket(bucket("b")).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        if (store != null) {
            try {
                assertEquals(List.of(), store.meta().audit(10), "metadata invariants");
            } finally {
                store.close();
            }
        }
    }

    private SectorRef sector(byte[] bytes) {
        SectorId id = SectorId.random();
        SectorInfo info = putSector(store, id, bytes);
        return new SectorRef(id, info.length());
    }

    @Test
    void putSectorThenReadReturnsSameBytes() {
        byte[] bytes = randomBytes(1_000_003);
        SectorId id = SectorId.random();
        SectorInfo info = putSector(store, id, bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        assertEquals(new SectorInfo(id, bytes.length, (int) crc.getValue(), false), info);
        assertArrayEquals(bytes, read(store, id, 0, -1));
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, 301_000), read(store, id, 1000, 300_000));
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 999_000, bytes.length), read(store, id, 999_000, -1));
        assertEquals(0, read(store, id, bytes.length, -1).length);
    }

    @Test
    void readUnknownSectorFailsWithNoSuchSector() {
        assertCode(Code.NO_SUCH_SECTOR, () -> read(store, SectorId.random(), 0, -1));
        assertEquals(Optional.empty(), store.sectorInfo(SectorId.random()).block(TIMEOUT));
    }

    @Test
    void readPastTheEndFailsWithInvalidArgument() {
        SectorId id = SectorId.random();
        putSector(store, id, randomBytes(100));
        assertCode(Code.INVALID_ARGUMENT, () -> read(store, id, 50, 51));
        assertCode(Code.INVALID_ARGUMENT, () -> read(store, id, 101, -1));
        assertCode(Code.INVALID_ARGUMENT, () -> read(store, id, -1, 10));
    }

    @Test
    void bodyShorterOrLongerThanDeclaredFailsAndLeavesNoSector() {
        SectorId shorter = SectorId.random();
        assertCode(Code.INVALID_ARGUMENT,
                () -> store.putSector(shorter, 1000, body(randomBytes(999), 100)).block(TIMEOUT));
        SectorId longer = SectorId.random();
        assertCode(Code.INVALID_ARGUMENT,
                () -> store.putSector(longer, 1000, body(randomBytes(1001), 100)).block(TIMEOUT));
        assertEquals(Optional.empty(), store.sectorInfo(shorter).block(TIMEOUT));
        assertEquals(Optional.empty(), store.sectorInfo(longer).block(TIMEOUT));
        assertEquals(0, store.stats().block(TIMEOUT).bytesUsed());
        assertEquals(0, store.stats().block(TIMEOUT).sectors());
    }

    @Test
    void retriedPutOfSameSectorReturnsExistingOne() {
        byte[] bytes = randomBytes(5000);
        SectorId id = SectorId.random();
        SectorInfo first = putSector(store, id, bytes);
        SectorInfo again = putSector(store, id, bytes);
        assertEquals(first, again);
        assertEquals(1, store.stats().block(TIMEOUT).sectors());
        assertCode(Code.INVALID_ARGUMENT, () -> putSector(store, id, randomBytes(10)));
    }

    @Test
    void emptySectorRoundTrips() {
        SectorId id = SectorId.random();
        assertEquals(0, putSector(store, id, new byte[0]).length());
        assertEquals(0, read(store, id, 0, -1).length);
    }

    @Test
    void putVersionThenGetReturnsItAndCommitsItsSectors() {
        SectorRef s = sector(randomBytes(4096));
        ObjectVersion v = version("b", "k", "v1", 1, s);
        assertEquals(Optional.empty(), store.putVersion(v, PutCondition.NONE, false).block(TIMEOUT));
        ObjectVersion got = store.getVersion("b", "k", null).block(TIMEOUT).orElseThrow();
        assertEquals(v.versionId(), got.versionId());
        assertArrayEquals(v.manifest(), got.manifest());
        assertEquals(v.sectors(), got.sectors());
        assertTrue(store.sectorInfo(s.id()).block(TIMEOUT).orElseThrow().committed());
        assertEquals(Optional.empty(), store.getVersion("b", "other", null).block(TIMEOUT));
        assertEquals(Optional.empty(), store.getVersion("b", "k", "v2").block(TIMEOUT));
    }

    @Test
    void versionReferencingUnknownSectorFailsWithNoSuchSector() {
        ObjectVersion v = version("b", "k", "v1", 1, new SectorRef(SectorId.random(), 10));
        assertCode(Code.NO_SUCH_SECTOR, () -> store.putVersion(v, PutCondition.NONE, false).block(TIMEOUT));
        assertEquals(Optional.empty(), store.getVersion("b", "k", null).block(TIMEOUT));
    }

    @Test
    void versionWithWrongSectorLengthIsRejected() {
        SectorRef s = sector(randomBytes(100));
        ObjectVersion v = version("b", "k", "v1", 1, new SectorRef(s.id(), 99));
        assertCode(Code.INVALID_ARGUMENT, () -> store.putVersion(v, PutCondition.NONE, false).block(TIMEOUT));
    }

    @Test
    void putIntoMissingBucketFailsWithNoSuchBucket() {
        assertCode(Code.NO_SUCH_BUCKET,
                () -> store.putVersion(version("nope", "k", "v", 1), PutCondition.NONE, false).block(TIMEOUT));
    }

    @Test
    void ifAbsentFailsWhenObjectExistsButNotOverDeleteMarker() {
        store.putVersion(version("b", "k", "v1", 1), PutCondition.IF_ABSENT, false).block(TIMEOUT);
        assertCode(Code.PRECONDITION_FAILED,
                () -> store.putVersion(version("b", "k", "v2", 2), PutCondition.IF_ABSENT, false).block(TIMEOUT));
        store.putVersion(deleteMarker("b", "k", "v3", 3), PutCondition.NONE, false).block(TIMEOUT);
        Optional<ObjectVersion> previous =
                store.putVersion(version("b", "k", "v4", 4), PutCondition.IF_ABSENT, false).block(TIMEOUT);
        assertTrue(previous.orElseThrow().deleteMarker());
        assertEquals("v4", store.getVersion("b", "k", null).block(TIMEOUT).orElseThrow().versionId());
    }

    @Test
    void ifEtagMatchesComparesTheCurrentVersion() {
        store.putVersion(version("b", "k", "v1", 1), PutCondition.NONE, false).block(TIMEOUT);
        assertCode(Code.PRECONDITION_FAILED, () -> store.putVersion(version("b", "k", "v2", 2),
                new PutCondition.IfEtagMatches("etag-7"), false).block(TIMEOUT));
        store.putVersion(version("b", "k", "v2", 2), new PutCondition.IfEtagMatches("\"etag-1\""), false)
                .block(TIMEOUT);
        assertEquals("v2", store.getVersion("b", "k", null).block(TIMEOUT).orElseThrow().versionId());
        assertCode(Code.PRECONDITION_FAILED, () -> store.putVersion(version("b", "missing", "v", 3),
                new PutCondition.IfEtagMatches("etag-1"), false).block(TIMEOUT));
    }

    @Test
    void ifGenerationGuardsReadModifyWrite() {
        store.putVersion(version("b", "k", "v1", 5), new PutCondition.IfGeneration(0), false).block(TIMEOUT);
        assertCode(Code.PRECONDITION_FAILED, () -> store.putVersion(version("b", "k", "v2", 6),
                new PutCondition.IfGeneration(4), false).block(TIMEOUT));
        store.putVersion(version("b", "k", "v2", 6), new PutCondition.IfGeneration(5), false).block(TIMEOUT);
        assertEquals(6, store.getVersion("b", "k", null).block(TIMEOUT).orElseThrow().generation());
    }

    @Test
    void nullVersionIsReplacedAndItsSectorFreed() {
        SectorRef old = sector(randomBytes(3000));
        store.putVersion(version("b", "k", ObjectVersion.NULL_VERSION, 1, old), PutCondition.NONE, true)
                .block(TIMEOUT);
        SectorRef fresh = sector(randomBytes(3000));
        Optional<ObjectVersion> previous = store.putVersion(
                version("b", "k", ObjectVersion.NULL_VERSION, 2, fresh), PutCondition.NONE, true).block(TIMEOUT);
        assertEquals(1, previous.orElseThrow().generation());
        assertEquals(Optional.empty(), store.getVersion("b", "k", null).block(TIMEOUT)
                .filter(v -> v.generation() == 1));
        assertEquals(Optional.empty(), store.sectorInfo(old.id()).block(TIMEOUT));
        assertCode(Code.NO_SUCH_SECTOR, () -> read(store, old.id(), 0, -1));
        assertTrue(store.sectorInfo(fresh.id()).block(TIMEOUT).isPresent());
        assertEquals(1, store.stats().block(TIMEOUT).objects());
    }

    @Test
    void versionedPutsKeepOlderVersionsUnlessNullIsReplaced() {
        store.putVersion(version("b", "k", "null", 1), PutCondition.NONE, true).block(TIMEOUT);
        store.putVersion(version("b", "k", "vA", 2), PutCondition.NONE, false).block(TIMEOUT);
        store.putVersion(version("b", "k", "null", 3), PutCondition.NONE, true).block(TIMEOUT);
        assertEquals(3, store.getVersion("b", "k", "null").block(TIMEOUT).orElseThrow().generation());
        assertEquals(2, store.getVersion("b", "k", "vA").block(TIMEOUT).orElseThrow().generation());
        assertEquals(2, store.stats().block(TIMEOUT).objects());
    }

    @Test
    void sectorSharedByTwoVersionsSurvivesDeletingOne() {
        byte[] bytes = randomBytes(10_000);
        SectorRef shared = sector(bytes);
        store.putVersion(version("b", "k1", "v1", 1, shared), PutCondition.NONE, false).block(TIMEOUT);
        store.putVersion(version("b", "k2", "v1", 2, shared), PutCondition.NONE, false).block(TIMEOUT);
        assertEquals("v1", store.deleteVersion("b", "k1", "v1").block(TIMEOUT).orElseThrow().versionId());
        assertArrayEquals(bytes, read(store, shared.id(), 0, -1));
        assertTrue(store.meta().isReferenced(shared.id()));
        store.deleteVersion("b", "k2", "v1").block(TIMEOUT);
        assertEquals(Optional.empty(), store.sectorInfo(shared.id()).block(TIMEOUT));
        assertEquals(0, store.stats().block(TIMEOUT).bytesUsed());
    }

    @Test
    void deleteOfMissingVersionIsEmpty() {
        assertEquals(Optional.empty(), store.deleteVersion("b", "nothing", "v").block(TIMEOUT));
    }

    @Test
    void deleteSectorKeepsReferencedAndRemovesUnreferenced() {
        SectorRef used = sector(randomBytes(100));
        SectorRef unused = sector(randomBytes(100));
        store.putVersion(version("b", "k", "v1", 1, used), PutCondition.NONE, false).block(TIMEOUT);
        store.deleteSector(used.id()).block(TIMEOUT);
        store.deleteSector(unused.id()).block(TIMEOUT);
        store.deleteSector(SectorId.random()).block(TIMEOUT);
        assertTrue(store.sectorInfo(used.id()).block(TIMEOUT).isPresent());
        assertEquals(Optional.empty(), store.sectorInfo(unused.id()).block(TIMEOUT));
    }

    @Test
    void spaceFreedByDeletesIsReused() {
        long capacity = store.stats().block(TIMEOUT).bytesCapacity();
        // fill well past the capacity in total, deleting as we go: without reuse the volumes would grow
        for (int i = 0; i < 40; i++) {
            SectorRef s = sector(randomBytes(512 * 1024));
            store.putVersion(version("b", "k", "null", i + 1, s), PutCondition.NONE, true).block(TIMEOUT);
        }
        ShardStats stats = store.stats().block(TIMEOUT);
        assertEquals(capacity, stats.bytesCapacity());
        assertEquals(1, stats.sectors());
        assertEquals(512 * 1024, stats.bytesUsed());
    }

    @Test
    void smallSectorsArePackedNotPadded() {
        int n = 2000;
        for (int i = 0; i < n; i++) {
            putSector(store, SectorId.random(), randomBytes(4096 + 16));
        }
        long used = store.stats().block(TIMEOUT).bytesUsed();
        assertTrue(used <= 1.3 * n * 4112, "used " + used + " for " + n * 4112 + " bytes");
    }

    @Test
    void deleteOfASectorStillBeingWrittenWaitsForThePutAndLeavesNothing() throws Exception {
        // a failed gateway request cancels its sector puts and deletes the sectors it started; a put
        // already handed to the writer runs on, and its record must not land after the delete
        SectorId id = SectorId.random();
        byte[] bytes = randomBytes(4000);
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        Disposable put = store.putSector(id, bytes.length, body.asFlux()).subscribe(i -> { }, e -> { });
        body.tryEmitNext(Unpooled.wrappedBuffer(bytes, 0, 2000));
        Thread.sleep(200); // let the write start (the id lookup runs first)
        put.dispose();
        CompletableFuture<Void> deleted = store.deleteSector(id).toFuture();
        Thread.sleep(200);
        assertFalse(deleted.isDone(), "the delete waits while the put is in flight");
        body.tryEmitNext(Unpooled.wrappedBuffer(bytes, 2000, 2000));
        body.tryEmitComplete();
        deleted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Optional.empty(), store.sectorInfo(id).block(TIMEOUT));
        assertEquals(0, store.stats().block(TIMEOUT).temporarySectors());
    }

    @Test
    void temporarySectorsAreReclaimedOnlyAfterTheTtl() {
        SectorRef temp = sector(randomBytes(1000));
        SectorRef kept = sector(randomBytes(1000));
        store.putVersion(version("b", "k", "v1", 1, kept), PutCondition.NONE, false).block(TIMEOUT);
        assertEquals(1, store.stats().block(TIMEOUT).temporarySectors());
        assertEquals(0, store.reclaimExpiredTemporarySectors(Instant.now()).block(TIMEOUT));
        assertTrue(store.sectorInfo(temp.id()).block(TIMEOUT).isPresent());
        Instant later = Instant.now().plus(Duration.ofHours(2));
        assertEquals(1, store.reclaimExpiredTemporarySectors(later).block(TIMEOUT));
        assertEquals(Optional.empty(), store.sectorInfo(temp.id()).block(TIMEOUT));
        assertTrue(store.sectorInfo(kept.id()).block(TIMEOUT).isPresent());
        assertEquals(0, store.stats().block(TIMEOUT).temporarySectors());
        JobRecord job = store.meta().job(ShardStore.RECLAIM_JOB).orElseThrow();
        assertEquals(2, job.runs());
        assertEquals(1, job.totalItems());
        assertEquals(later.toEpochMilli(), job.lastRunMillis());
    }

    @Test
    void reclaimRunsInBatches() {
        for (int i = 0; i < 2500; i++) {
            putSector(store, SectorId.random(), randomBytes(10));
        }
        assertEquals(2500, store.reclaimExpiredTemporarySectors(Instant.now().plus(Duration.ofHours(2)))
                .block(TIMEOUT));
        assertEquals(0, store.stats().block(TIMEOUT).sectors());
    }

    @Test
    void backgroundReclaimFreesExpiredSectors() throws Exception {
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withTemporarySectorTtl(Duration.ZERO)
                .withReclaimInterval(Duration.ofMillis(50)));
        SectorRef temp = sector(randomBytes(100));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.sectorInfo(temp.id()).block(TIMEOUT).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Optional.empty(), store.sectorInfo(temp.id()).block(TIMEOUT));
    }

    @Test
    void reopenAfterCloseKeepsEverything() {
        byte[] bytes = randomBytes(200_000);
        SectorRef s = sector(bytes);
        store.putVersion(version("b", "k", "v1", 7, s), PutCondition.NONE, false).block(TIMEOUT);
        store.put("user/alice", new byte[] {1, 2, 3}).block(TIMEOUT);
        String id = store.id();
        store.close();

        store = ShardStore.open(dir, ShardConfig.forTests());
        assertEquals(id, store.id());
        assertFalse(store.index().rebuiltAtOpen());
        assertArrayEquals(bytes, read(store, s.id(), 0, -1));
        assertEquals(7, store.getVersion("b", "k", null).block(TIMEOUT).orElseThrow().generation());
        assertArrayEquals(new byte[] {1, 2, 3}, store.get("user/alice").block(TIMEOUT).orElseThrow());
        assertEquals(8, store.nextGeneration("b", 0).block(TIMEOUT));
        // the rebuilt allocator knows the sector's extent is taken
        SectorRef other = sector(randomBytes(200_000));
        assertArrayEquals(bytes, read(store, s.id(), 0, -1));
        assertNotEquals(s.id(), other.id());
        assertEquals(2 * ExtentAllocator.reserved(200_000), store.stats().block(TIMEOUT).bytesUsed());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        assertCode(Code.UNAVAILABLE, () -> ShardStore.open(dir, ShardConfig.forTests()));
        // the refused open left the first store working
        SectorRef s = sector(randomBytes(10));
        assertTrue(store.sectorInfo(s.id()).block(TIMEOUT).isPresent());
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests());
        assertTrue(store.sectorInfo(s.id()).block(TIMEOUT).isPresent());
    }

    @Test
    void reopenWithoutCleanCloseRebuildsTheIndex() throws Exception {
        byte[] bytes = randomBytes(50_000);
        SectorRef s = sector(bytes);
        store.close();
        // what a crash leaves: the index without its clean marker
        Files.delete(dir.resolve("index").resolve("CLEAN"));

        store = ShardStore.open(dir, ShardConfig.forTests());
        assertTrue(store.index().rebuiltAtOpen());
        assertEquals(1, store.index().size());
        assertArrayEquals(bytes, read(store, s.id(), 0, -1));
    }

    @Test
    void readFallsBackToMetadataWhenTheIndexMissesASector() {
        byte[] bytes = randomBytes(777);
        SectorRef s = sector(bytes);
        store.index().remove(s.id());
        assertArrayEquals(bytes, read(store, s.id(), 0, -1));
    }

    @Test
    void regionTransfersSectorBytesZeroCopy() throws Exception {
        byte[] bytes = randomBytes(300_000);
        SectorRef s = sector(bytes);
        FileRegion region = store.region(s.id(), 100, 200_000).block(TIMEOUT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = new WritableByteChannel() {
            public int write(ByteBuffer src) {
                int n = src.remaining();
                byte[] b = new byte[n];
                src.get(b);
                out.writeBytes(b);
                return n;
            }

            public boolean isOpen() {
                return true;
            }

            public void close() {
            }
        };
        try {
            while (region.transferred() < region.count()) {
                region.transferTo(sink, region.transferred());
            }
        } finally {
            region.release();
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 100, 200_100), out.toByteArray());
        // releasing the region must not close the shared volume channel
        assertArrayEquals(bytes, read(store, s.id(), 0, -1));
        SectorRegion where = store.locate(s.id()).block(TIMEOUT).orElseThrow();
        assertEquals(bytes.length, where.length());
        assertTrue(where.channel().isOpen());
        assertEquals(Optional.empty(), store.locate(SectorId.random()).block(TIMEOUT));
        assertCode(Code.INVALID_ARGUMENT, () -> store.region(s.id(), 0, bytes.length + 1).block(TIMEOUT));
    }

    @Test
    void nextGenerationIsStrictlyIncreasingAndAboveStoredAndRequested() {
        assertEquals(1, store.nextGeneration("b", 0).block(TIMEOUT));
        assertEquals(2, store.nextGeneration("b", 0).block(TIMEOUT));
        assertEquals(101, store.nextGeneration("b", 100).block(TIMEOUT));
        store.putVersion(version("b", "k", "v", 500), PutCondition.NONE, false).block(TIMEOUT);
        assertEquals(501, store.nextGeneration("b", 3).block(TIMEOUT));
        assertCode(Code.NO_SUCH_BUCKET, () -> store.nextGeneration("zz", 0).block(TIMEOUT));
    }

    @Test
    void bucketsCreateUpdateListDelete() {
        assertCode(Code.BUCKET_EXISTS, () -> store.createBucket(bucket("b")).block(TIMEOUT));
        store.createBucket(bucket("a")).block(TIMEOUT);
        assertEquals(List.of("a", "b"), store.listBuckets().map(x -> x.name()).collectList().block(TIMEOUT));
        store.updateBucket(bucket("a").withVersioning("Enabled")).block(TIMEOUT);
        assertEquals("Enabled", store.getBucket("a").block(TIMEOUT).orElseThrow().versioning());
        store.putVersion(version("a", "k", "v", 1), PutCondition.NONE, false).block(TIMEOUT);
        assertCode(Code.BUCKET_NOT_EMPTY, () -> store.deleteBucket("a").block(TIMEOUT));
        store.deleteVersion("a", "k", "v").block(TIMEOUT);
        store.deleteBucket("a").block(TIMEOUT);
        assertEquals(Optional.empty(), store.getBucket("a").block(TIMEOUT));
        assertCode(Code.NO_SUCH_BUCKET, () -> store.deleteBucket("a").block(TIMEOUT));
        assertCode(Code.NO_SUCH_BUCKET, () -> store.updateBucket(bucket("a")).block(TIMEOUT));
    }

    @Test
    void invalidNamesAreRejected() {
        assertCode(Code.INVALID_ARGUMENT, () -> store.createBucket(bucket("x".repeat(64))).block(TIMEOUT));
        assertCode(Code.INVALID_ARGUMENT,
                () -> store.putVersion(version("b", "a\u0000b", "v", 1), PutCondition.NONE, false).block(TIMEOUT));
        assertCode(Code.INVALID_ARGUMENT,
                () -> store.putVersion(version("b", "k".repeat(1025), "v", 1), PutCondition.NONE, false)
                        .block(TIMEOUT));
    }

    @Test
    void controlStoreGetPutScanDelete() {
        store.put("users/bob", "b".getBytes()).block(TIMEOUT);
        store.put("users/alice", "a".getBytes()).block(TIMEOUT);
        store.put("keys/x", "x".getBytes()).block(TIMEOUT);
        assertFalse(store.putIfAbsent("users/bob", "other".getBytes()).block(TIMEOUT));
        assertTrue(store.putIfAbsent("users/carol", "c".getBytes()).block(TIMEOUT));
        assertEquals(List.of("users/alice", "users/bob", "users/carol"),
                store.scan("users/").map(e -> e.getKey()).collectList().block(TIMEOUT));
        assertArrayEquals("b".getBytes(), store.get("users/bob").block(TIMEOUT).orElseThrow());
        assertTrue(store.delete("users/bob").block(TIMEOUT));
        assertFalse(store.delete("users/bob").block(TIMEOUT));
        assertEquals(Optional.empty(), store.get("users/bob").block(TIMEOUT));
        assertEquals(3, store.scan("").count().block(TIMEOUT));
    }

    @Test
    void statsCountObjectsSectorsTemporariesAndBytes() {
        SectorRef a = sector(randomBytes(1000));
        sector(randomBytes(2000));
        store.putVersion(version("b", "k", "v1", 1, a), PutCondition.NONE, false).block(TIMEOUT);
        store.putVersion(deleteMarker("b", "k", "v2", 2), PutCondition.NONE, false).block(TIMEOUT);
        ShardStats stats = store.stats().block(TIMEOUT);
        assertEquals(store.id(), stats.shardId());
        assertEquals(2, stats.objects());
        assertEquals(2, stats.sectors());
        assertEquals(1, stats.temporarySectors());
        assertEquals(1024 + 2048, stats.bytesUsed());
        assertFalse(stats.volumes().isEmpty());
        assertEquals(stats.volumes().size(), store.meta().volumes().size());
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void smallObjectsCommitTheirSectorAndVersionInOneRequestUnderEveryFsyncPolicy(FsyncPolicy policy) {
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(policy));
        store.createBucket(bucket("small")).block(TIMEOUT);
        long commitsBefore = store.committer().commits();
        int n = 64;
        List<byte[]> contents = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            contents.add(randomBytes(1 + i * 97));
        }
        List<ObjectVersion> versions = Flux.range(0, n)
                .flatMap(i -> {
                    SectorId id = SectorId.random();
                    byte[] bytes = contents.get(i);
                    ObjectVersion v = version("small", "k" + i, ObjectVersion.NULL_VERSION, i + 1,
                            new SectorRef(id, bytes.length));
                    return store.putVersionWithSectors(v, PutCondition.IF_ABSENT, true,
                            List.of(new io.coffer.shard.api.NewSector(id, Unpooled.copiedBuffer(bytes)))).thenReturn(v);
                }, 16)
                .collectList().block(TIMEOUT);
        // one group-commit request per object (putSector then putVersion take two)
        assertEquals(n, store.committer().commits() - commitsBefore);
        if (policy != FsyncPolicy.NONE) {
            assertTrue(store.committer().volumeSyncs() >= 1);
            assertTrue(store.committer().metadataSyncs() >= 1);
        }
        long used = 0;
        for (ObjectVersion v : versions) {
            int i = Integer.parseInt(v.key().substring(1));
            SectorRef ref = v.sectors().get(0);
            assertArrayEquals(contents.get(i), read(store, ref.id(), 0, -1));
            assertTrue(store.sectorInfo(ref.id()).block(TIMEOUT).orElseThrow().committed());
            used += ExtentAllocator.reserved(ref.length());
        }
        ShardStats stats = store.stats().block(TIMEOUT);
        assertEquals(n, stats.objects());
        assertEquals(0, stats.temporarySectors());
        assertEquals(used, stats.bytesUsed());

        // reopened (allocation rebuilt from the records, index from LMDB): the same bytes
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(policy));
        assertEquals(used, store.stats().block(TIMEOUT).bytesUsed());
        for (ObjectVersion v : versions) {
            int i = Integer.parseInt(v.key().substring(1));
            assertArrayEquals(contents.get(i), read(store, v.sectors().get(0).id(), 0, -1));
        }
    }

    @Test
    void aFailedSmallObjectCommitGivesItsExtentBack() {
        putSector(store, SectorId.random(), randomBytes(10)); // something else in the volume
        long used = store.stats().block(TIMEOUT).bytesUsed();
        store.putVersion(version("b", "taken", "v1", 1), PutCondition.NONE, false).block(TIMEOUT);

        // the condition fails: nothing recorded, the extent free again
        SectorId id = SectorId.random();
        ByteBuf buf = Unpooled.copiedBuffer(randomBytes(5000));
        assertCode(Code.PRECONDITION_FAILED, () -> store.putVersionWithSectors(
                version("b", "taken", "v2", 2, new SectorRef(id, 5000)), PutCondition.IF_ABSENT, false,
                List.of(new io.coffer.shard.api.NewSector(id, buf))).block(TIMEOUT));
        assertEquals(0, buf.refCnt());
        assertEquals(Optional.empty(), store.sectorInfo(id).block(TIMEOUT));
        assertEquals(used, store.stats().block(TIMEOUT).bytesUsed());

        // a sector the version does not reference is refused before anything is written
        SectorId stray = SectorId.random();
        ByteBuf strayBuf = Unpooled.copiedBuffer(randomBytes(100));
        assertCode(Code.INVALID_ARGUMENT, () -> store.putVersionWithSectors(version("b", "other", "v1", 3),
                PutCondition.NONE, false, List.of(new io.coffer.shard.api.NewSector(stray, strayBuf))).block(TIMEOUT));
        assertEquals(0, strayBuf.refCnt());
        assertEquals(Optional.empty(), store.sectorInfo(stray).block(TIMEOUT));
        assertEquals(Optional.empty(), store.getVersion("b", "other", null).block(TIMEOUT));
        assertEquals(used, store.stats().block(TIMEOUT).bytesUsed());

        // a closed store refuses, and still releases the buffer
        store.close();
        ByteBuf late = Unpooled.copiedBuffer(randomBytes(10));
        SectorId lateId = SectorId.random();
        assertCode(Code.UNAVAILABLE, () -> store.putVersionWithSectors(version("b", "late", "v1", 4,
                new SectorRef(lateId, 10)), PutCondition.NONE, false,
                List.of(new io.coffer.shard.api.NewSector(lateId, late))).block(TIMEOUT));
        assertEquals(0, late.refCnt());
        store = null;
    }

    @Test
    void aSmallObjectCommitOfAnAlreadyStoredSectorKeepsTheStoredOne() {
        byte[] bytes = randomBytes(3000);
        SectorId id = SectorId.random();
        putSector(store, id, bytes); // a retry: the sector went in, the version did not
        long used = store.stats().block(TIMEOUT).bytesUsed();
        store.putVersionWithSectors(version("b", "k", "v1", 1, new SectorRef(id, bytes.length)), PutCondition.NONE,
                false, List.of(new io.coffer.shard.api.NewSector(id, Unpooled.copiedBuffer(bytes)))).block(TIMEOUT);
        assertTrue(store.sectorInfo(id).block(TIMEOUT).orElseThrow().committed());
        assertEquals(used, store.stats().block(TIMEOUT).bytesUsed(), "the second extent was given back");
        assertArrayEquals(bytes, read(store, id, 0, -1));
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void concurrentPutsAreDurableUnderEveryFsyncPolicy(FsyncPolicy policy) {
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(policy));
        byte[] bytes = randomBytes(4096);
        List<SectorId> ids = Flux.range(0, 64)
                .flatMap(i -> {
                    SectorId id = SectorId.random();
                    return store.putSector(id, bytes.length, body(bytes, 1024)).thenReturn(id);
                }, 16)
                .collectList().block(TIMEOUT);
        for (SectorId id : ids) {
            assertArrayEquals(bytes, read(store, id, 0, -1));
        }
        // a sector put waits for its volume's fsync only; its record becomes durable with the
        // version that references it
        assertEquals(0, store.committer().metadataSyncs());
        long volumeSyncs = store.committer().volumeSyncs();
        if (policy == FsyncPolicy.NONE) {
            assertEquals(0, volumeSyncs);
        } else {
            assertTrue(volumeSyncs >= 1 && volumeSyncs <= 64, "volume syncs " + volumeSyncs);
        }
        store.putVersion(version("b", "k", "v1", 1, new SectorRef(ids.get(0), bytes.length)), PutCondition.NONE, false)
                .block(TIMEOUT);
        assertEquals(policy == FsyncPolicy.NONE ? 0 : 1, store.committer().metadataSyncs());
    }

    @Test
    void operationsAfterCloseFailWithUnavailable() {
        store.close();
        assertCode(Code.UNAVAILABLE, () -> store.getBucket("b").block(TIMEOUT));
        AtomicLong released = new AtomicLong();
        assertCode(Code.UNAVAILABLE, () -> store.putSector(SectorId.random(), 3,
                body(new byte[] {1, 2, 3}, 3).doOnNext(b -> released.incrementAndGet())).block(TIMEOUT));
        assertEquals(1, released.get());
        store = null;
    }

    @Test
    void cancelledPutsLeakNoSpace() throws Exception {
        store.close();
        store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(FsyncPolicy.GROUP));
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 100; i++) {
            byte[] bytes = randomBytes(1 + r.nextInt(200_000));
            reactor.core.Disposable put = store.putSector(SectorId.random(), bytes.length, body(bytes, 8192))
                    .subscribe(x -> { }, e -> { });
            Thread.sleep(r.nextInt(6));
            put.dispose();
        }
        // whatever got recorded is temporary; once reclaimed, nothing may remain allocated
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ShardStats stats;
        do {
            Thread.sleep(50);
            store.reclaimExpiredTemporarySectors(Instant.now().plus(Duration.ofHours(2))).block(TIMEOUT);
            stats = store.stats().block(TIMEOUT);
        } while ((stats.bytesUsed() != 0 || stats.sectors() != 0) && System.nanoTime() < deadline);
        assertEquals(0, stats.sectors());
        assertEquals(0, stats.bytesUsed());
    }

    @Test
    void cancelledReadReleasesItsBuffers() {
        SectorRef s = sector(randomBytes(2_000_000));
        // take one chunk and cancel: paranoid leak detection reports any buffer left unreleased
        byte[] first = store.readSector(s.id(), 0, -1).take(1).map(b -> {
            try {
                byte[] out = new byte[b.readableBytes()];
                b.readBytes(out);
                return out;
            } finally {
                b.release();
            }
        }).blockLast(TIMEOUT);
        assertTrue(first.length > 0);
        Mono.delay(Duration.ofMillis(50)).block();
    }

    @Test
    void pointReadsRunOnTheCallingThreadAndWritesOnTheStoreScheduler() {
        SectorId id = SectorId.random();
        putSector(store, id, randomBytes(100));
        String caller = Thread.currentThread().getName();
        java.util.concurrent.atomic.AtomicReference<String> putOn = new java.util.concurrent.atomic.AtomicReference<>();
        store.putVersion(version("b", "k", "v1", 1, new SectorRef(id, 100)), PutCondition.NONE, false)
                .doOnNext(previous -> putOn.set(Thread.currentThread().getName()))
                .block(TIMEOUT);
        assertTrue(putOn.get().startsWith("coffer-store"), "a write completes off the caller: " + putOn.get());
        java.util.List<String> readOn = new java.util.ArrayList<>();
        java.util.function.Consumer<Object> record = x -> readOn.add(Thread.currentThread().getName());
        assertEquals("v1", store.getVersion("b", "k", null).doOnNext(record).block(TIMEOUT).orElseThrow().versionId());
        assertTrue(store.getBucket("b").doOnNext(record).block(TIMEOUT).isPresent());
        assertTrue(store.sectorInfo(id).doOnNext(record).block(TIMEOUT).isPresent());
        assertTrue(store.locate(id).doOnNext(record).block(TIMEOUT).isPresent());
        assertEquals(Optional.empty(), store.get("no-such-control-key").doOnNext(record).block(TIMEOUT));
        assertEquals(java.util.Collections.nCopies(5, caller), readOn);
    }

    @Test
    void pointReadAfterCloseFailsUnavailable() {
        ShardStore closed = store;
        store = null; // closed here, so the audit after each test has nothing to read
        closed.close();
        assertCode(Code.UNAVAILABLE, () -> closed.getVersion("b", "k", null).block(TIMEOUT));
        assertCode(Code.UNAVAILABLE, () -> closed.getBucket("b").block(TIMEOUT));
        assertCode(Code.UNAVAILABLE, () -> closed.meta().getVersion("b", "k", null));
    }
}
