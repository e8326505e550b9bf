package io.coffer.shard.store;

import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.UploadPart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.store.StoreFixture.TIMEOUT;
import static io.coffer.shard.store.StoreFixture.assertCode;
import static io.coffer.shard.store.StoreFixture.bucket;
import static io.coffer.shard.store.StoreFixture.putSector;
import static io.coffer.shard.store.StoreFixture.randomBytes;
import static io.coffer.shard.store.StoreFixture.read;
import static io.coffer.shard.store.StoreFixture.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LeakWatch.class)
class MultipartStoreTest {
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
        try {
            assertEquals(List.of(), store.meta().audit(10), "metadata invariants");
        } finally {
            store.close();
        }
    }

    private SectorRef sector(byte[] bytes) {
        SectorId id = SectorId.random();
        putSector(store, id, bytes);
        return new SectorRef(id, bytes.length);
    }

    private UploadPart part(String uploadId, int number, SectorRef... sectors) {
        return new UploadPart(uploadId, number, sectors.length == 0 ? 0 : sectors[0].length(), "etag" + number,
                1000L, List.of(sectors), null);
    }

    private void create(String key, String uploadId) {
        store.createUpload(new MultipartUpload("b", key, uploadId, 5L, new byte[] {7})).block(TIMEOUT);
    }

    @Test
    void completeCommitsTheVersionRemovesTheUploadAndFreesUnusedParts() {
        create("big", "u1");
        byte[] b1 = randomBytes(100_000);
        byte[] b3 = randomBytes(50_000);
        SectorRef s1 = sector(b1);
        SectorRef s2 = sector(randomBytes(70_000));
        SectorRef s3 = sector(b3);
        store.putPart("b", "big", part("u1", 1, s1)).block(TIMEOUT);
        store.putPart("b", "big", part("u1", 2, s2)).block(TIMEOUT);
        store.putPart("b", "big", part("u1", 3, s3)).block(TIMEOUT);
        assertEquals(List.of(1, 2, 3), store.listParts("b", "big", "u1", 0, 100).block(TIMEOUT).stream()
                .map(UploadPart::partNumber).toList());
        assertEquals(0, store.stats().block(TIMEOUT).temporarySectors());

        ObjectVersion v = version("b", "big", "v1", 9, s1, s3);
        assertEquals(Optional.empty(), store.completeUpload("u1", v, PutCondition.NONE, false).block(TIMEOUT));

        assertEquals("v1", store.getVersion("b", "big", null).block(TIMEOUT).orElseThrow().versionId());
        assertEquals(Optional.empty(), store.getUpload("b", "big", "u1").block(TIMEOUT));
        assertEquals(List.of(), store.listUploads("b", "", "", "", 100).block(TIMEOUT));
        assertArrayEquals(b1, read(store, s1.id(), 0, -1));
        assertArrayEquals(b3, read(store, s3.id(), 0, -1));
        assertEquals(Optional.empty(), store.sectorInfo(s2.id()).block(TIMEOUT));
        assertTrue(store.meta().isReferenced(s1.id()));
        assertEquals(2, store.stats().block(TIMEOUT).sectors());
        assertCode(Code.NO_SUCH_UPLOAD, () -> store.listParts("b", "big", "u1", 0, 10).block(TIMEOUT));
        // the version now owns the sectors: deleting it frees them
        store.deleteVersion("b", "big", "v1").block(TIMEOUT);
        assertEquals(0, store.stats().block(TIMEOUT).sectors());
    }

    @Test
    void replacingAPartFreesTheOldPartsSectors() {
        create("k", "u1");
        SectorRef old = sector(randomBytes(1000));
        SectorRef fresh = sector(randomBytes(2000));
        store.putPart("b", "k", part("u1", 1, old)).block(TIMEOUT);
        store.putPart("b", "k", part("u1", 1, fresh)).block(TIMEOUT);
        assertEquals(Optional.empty(), store.sectorInfo(old.id()).block(TIMEOUT));
        assertTrue(store.sectorInfo(fresh.id()).block(TIMEOUT).orElseThrow().committed());
        List<UploadPart> parts = store.listParts("b", "k", "u1", 0, 10).block(TIMEOUT);
        assertEquals(1, parts.size());
        assertEquals(List.of(fresh), parts.get(0).sectors());
        // re-sending the same part with the same sector keeps the sector
        store.putPart("b", "k", part("u1", 1, fresh)).block(TIMEOUT);
        assertTrue(store.sectorInfo(fresh.id()).block(TIMEOUT).isPresent());
    }

    @Test
    void abortFreesEveryPartAndRemovesTheUpload() {
        create("k", "u1");
        SectorRef a = sector(randomBytes(1000));
        SectorRef b = sector(randomBytes(1000));
        store.putPart("b", "k", part("u1", 1, a)).block(TIMEOUT);
        store.putPart("b", "k", part("u1", 2, b)).block(TIMEOUT);
        store.abortUpload("b", "k", "u1").block(TIMEOUT);
        assertEquals(0, store.stats().block(TIMEOUT).sectors());
        assertEquals(0, store.stats().block(TIMEOUT).bytesUsed());
        assertCode(Code.NO_SUCH_UPLOAD, () -> store.abortUpload("b", "k", "u1").block(TIMEOUT));
        store.deleteBucket("b").block(TIMEOUT);
    }

    @Test
    void partsOfUnknownUploadsAndUnknownSectorsAreRejected() {
        SectorRef s = sector(randomBytes(10));
        assertCode(Code.NO_SUCH_UPLOAD, () -> store.putPart("b", "k", part("nope", 1, s)).block(TIMEOUT));
        create("k", "u1");
        assertCode(Code.NO_SUCH_UPLOAD, () -> store.putPart("b", "other-key", part("u1", 1, s)).block(TIMEOUT));
        assertCode(Code.NO_SUCH_SECTOR, () -> store.putPart("b", "k",
                part("u1", 1, new SectorRef(SectorId.random(), 10))).block(TIMEOUT));
        assertCode(Code.NO_SUCH_UPLOAD, () -> store.completeUpload("nope", version("b", "k", "v", 1),
                PutCondition.NONE, false).block(TIMEOUT));
        assertCode(Code.NO_SUCH_BUCKET, () -> store.createUpload(
                new MultipartUpload("zz", "k", "u", 1, null)).block(TIMEOUT));
    }

    @Test
    void failedConditionOnCompleteLeavesTheUploadIntact() {
        store.putVersion(version("b", "k", "v0", 1), PutCondition.NONE, false).block(TIMEOUT);
        create("k", "u1");
        SectorRef s = sector(randomBytes(100));
        store.putPart("b", "k", part("u1", 1, s)).block(TIMEOUT);
        assertCode(Code.PRECONDITION_FAILED, () -> store.completeUpload("u1", version("b", "k", "v1", 2, s),
                PutCondition.IF_ABSENT, false).block(TIMEOUT));
        assertTrue(store.getUpload("b", "k", "u1").block(TIMEOUT).isPresent());
        assertEquals(1, store.listParts("b", "k", "u1", 0, 10).block(TIMEOUT).size());
        assertTrue(store.sectorInfo(s.id()).block(TIMEOUT).isPresent());
    }

    @Test
    void completeReplacesTheNullVersionAndReturnsThePrevious() {
        SectorRef old = sector(randomBytes(100));
        store.putVersion(version("b", "k", "null", 1, old), PutCondition.NONE, true).block(TIMEOUT);
        create("k", "u1");
        SectorRef s = sector(randomBytes(100));
        store.putPart("b", "k", part("u1", 1, s)).block(TIMEOUT);
        Optional<ObjectVersion> previous = store.completeUpload("u1", version("b", "k", "null", 2, s),
                PutCondition.NONE, true).block(TIMEOUT);
        assertEquals(1, previous.orElseThrow().generation());
        assertEquals(Optional.empty(), store.sectorInfo(old.id()).block(TIMEOUT));
        assertEquals(1, store.stats().block(TIMEOUT).objects());
    }

    @Test
    void uploadsListByKeyThenUploadIdWithMarkers() {
        create("b", "u2");
        create("a", "u9");
        create("b", "u1");
        create("c/d", "u3");
        create("L".repeat(700) + "y", "u5");
        create("L".repeat(700) + "x", "u6");
        List<String> all = render(store.listUploads("b", "", "", "", 100).block(TIMEOUT));
        assertEquals(List.of("a/u9", "b/u1", "b/u2", "c/d/u3", "L700x/u6", "L700y/u5").stream()
                .sorted(java.util.Comparator.comparing(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.util.Arrays::compareUnsigned)).toList(), all);
        assertEquals(List.of("b/u2", "c/d/u3"), render(store.listUploads("b", "", "b", "u1", 2).block(TIMEOUT)));
        assertEquals(List.of("c/d/u3"), render(store.listUploads("b", "", "b", "", 1).block(TIMEOUT)));
        assertEquals(List.of("b/u1", "b/u2"), render(store.listUploads("b", "b", "", "", 10).block(TIMEOUT)));
        // 'L' sorts before 'a': after the long key come the rest
        assertEquals(List.of("L700y/u5", "a/u9", "b/u1"),
                render(store.listUploads("b", "", "L".repeat(700) + "x", "", 3).block(TIMEOUT)));
        assertCode(Code.BUCKET_NOT_EMPTY, () -> store.deleteBucket("b").block(TIMEOUT));
        MultipartUpload got = store.getUpload("b", "L".repeat(700) + "x", "u6").block(TIMEOUT).orElseThrow();
        assertArrayEquals(new byte[] {7}, got.state());
        assertEquals(Optional.empty(), store.getUpload("b", "L".repeat(700) + "x", "u5").block(TIMEOUT));
    }

    @Test
    void listPartsPaginatesWithTheMarker() {
        create("k", "u1");
        for (int n : new int[] {5, 1, 10_000, 3}) {
            store.putPart("b", "k", part("u1", n, sector(randomBytes(10)))).block(TIMEOUT);
        }
        assertEquals(List.of(1, 3), numbers(store.listParts("b", "k", "u1", 0, 2).block(TIMEOUT)));
        assertEquals(List.of(5, 10_000), numbers(store.listParts("b", "k", "u1", 3, 2).block(TIMEOUT)));
        assertEquals(List.of(), numbers(store.listParts("b", "k", "u1", 10_000, 2).block(TIMEOUT)));
    }

    private static List<Integer> numbers(List<UploadPart> parts) {
        return parts.stream().map(UploadPart::partNumber).toList();
    }

    private static List<String> render(List<MultipartUpload> uploads) {
        List<String> out = new ArrayList<>();
        for (MultipartUpload u : uploads) {
            String k = u.key().length() > 700 ? "L700" + u.key().substring(700) : u.key();
            out.add(k + "/" + u.uploadId());
        }
        return out;
    }
}
