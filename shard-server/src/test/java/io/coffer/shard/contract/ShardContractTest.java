package io.coffer.shard.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.store.LeakWatch;
import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.UploadPart;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The semantics every {@link Shard} must have, embedded or remote. Subclasses supply the subject;
 * the same scenarios then prove that {@code RemoteShard -> ShardHttpServer -> engine} behaves like
 * the engine itself, error codes included.
 */
@ExtendWith(LeakWatch.class)
public abstract class ShardContractTest {
    protected static final Duration T = Duration.ofSeconds(30);

    @TempDir
    protected Path dir;
    protected ShardSubject subject;
    protected Shard shard;
    protected ControlStore control;

    /** Opens a fresh, empty subject whose data lives under {@code dir}. */
    protected abstract ShardSubject open(Path dir) throws Exception;

    @BeforeEach
    void openSubject() throws Exception {
        subject = open(dir);
        shard = subject.shard();
        control = subject.control();
    }

    @AfterEach
    void closeSubject() throws Exception {
        try {
            checkInvariants();
        } finally {
            subject.close();
        }
    }

    /** Subjects with a real engine check its internal consistency after every scenario. */
    protected void checkInvariants() {
    }

    // ---- helpers ----

    protected static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The bytes as a stream of chunks, the way a gateway streams a sector. */
    protected static Flux<ByteBuf> chunks(byte[] bytes, int chunk) {
        return Flux.range(0, Math.max(1, (bytes.length + chunk - 1) / chunk))
                .filter(i -> i * chunk < bytes.length)
                .map(i -> Unpooled.copiedBuffer(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk)));
    }

    protected SectorInfo putSector(SectorId id, byte[] bytes) {
        return shard.putSector(id, bytes.length, chunks(bytes, 64 * 1024)).block(T);
    }

    protected byte[] readSector(SectorId id, long offset, long length) {
        return shard.readSector(id, offset, length).collect(ByteArrayOutputStream::new, (out, buf) -> {
            try {
                buf.readBytes(out, buf.readableBytes());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                buf.release();
            }
        }).map(ByteArrayOutputStream::toByteArray).block(T);
    }

    protected static ShardException failure(Mono<?> mono) {
        return assertThrows(ShardException.class, () -> mono.block(T));
    }

    protected static ShardException failure(Flux<?> flux) {
        return assertThrows(ShardException.class, () -> flux.collectList().block(T));
    }

    protected BucketInfo bucket(String name) {
        return shard.createBucket(new BucketInfo(name, 1_700_000_000_000L, "us-east-1", "", Map.of("owner", "alice")))
                .block(T);
    }

    protected ObjectVersion version(String bucket, String key, String versionId, SectorId sector, long size,
                                    String etag) {
        long gen = shard.nextGeneration(bucket, 0).block(T);
        List<SectorRef> refs = sector == null ? List.of() : List.of(new SectorRef(sector, size));
        return new ObjectVersion(bucket, key, versionId, gen, false, size, etag, 1_700_000_000_000L + gen,
                "STANDARD", refs, ("manifest-" + key + "-" + gen).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a sector with {@code bytes} and commits a version of {@code key} that references it. */
    protected ObjectVersion putObject(String bucket, String key, String versionId, byte[] bytes, PutCondition cond) {
        SectorId id = SectorId.random();
        putSector(id, bytes);
        ObjectVersion v = version(bucket, key, versionId, id, bytes.length, "etag-" + key + "-" + bytes.length);
        shard.putVersion(v, cond, true).block(T);
        return v;
    }

    private static int crc32c(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    // ---- buckets ----

    @Test
    void createdBucketIsReturnedByGetAndList() {
        BucketInfo created = bucket("photos");
        assertEquals("photos", created.name());
        BucketInfo got = shard.getBucket("photos").block(T).orElseThrow();
        assertEquals("us-east-1", got.region());
        assertEquals(Map.of("owner", "alice"), got.attributes());
        assertEquals(List.of("photos"), shard.listBuckets().map(BucketInfo::name).collectList().block(T));
    }

    @Test
    void getMissingBucketIsEmpty() {
        assertEquals(Optional.empty(), shard.getBucket("nope").block(T));
    }

    @Test
    void createExistingBucketFailsBucketExists() {
        bucket("twice");
        assertEquals(Code.BUCKET_EXISTS, failure(shard.createBucket(new BucketInfo("twice", 1, "", "", null))).code());
    }

    @Test
    void updateBucketReplacesVersioningAndAttributes() {
        BucketInfo b = bucket("settings");
        shard.updateBucket(b.withVersioning("Enabled").withAttributes(Map.of("acl", "private", "tags", "a=b")))
                .block(T);
        BucketInfo got = shard.getBucket("settings").block(T).orElseThrow();
        assertEquals("Enabled", got.versioning());
        assertEquals(Map.of("acl", "private", "tags", "a=b"), got.attributes());
    }

    @Test
    void deleteBucketFailsWhileNotEmptyThenSucceeds() {
        bucket("full");
        ObjectVersion v = putObject("full", "k", ObjectVersion.NULL_VERSION, randomBytes(100, 1), PutCondition.NONE);
        assertEquals(Code.BUCKET_NOT_EMPTY, failure(shard.deleteBucket("full")).code());
        shard.deleteVersion("full", "k", v.versionId()).block(T);
        shard.deleteBucket("full").block(T);
        assertEquals(Optional.empty(), shard.getBucket("full").block(T));
    }

    @Test
    void deleteMissingBucketFailsNoSuchBucket() {
        assertEquals(Code.NO_SUCH_BUCKET, failure(shard.deleteBucket("ghost")).code());
    }

    @Test
    void nextGenerationIsStrictlyIncreasingAndAtLeastTheHint() {
        bucket("gens");
        long a = shard.nextGeneration("gens", 0).block(T);
        long b = shard.nextGeneration("gens", 0).block(T);
        assertTrue(b > a);
        long c = shard.nextGeneration("gens", 1_000_000).block(T);
        assertTrue(c > 1_000_000);
        assertTrue(shard.nextGeneration("gens", 0).block(T) > c);
    }

    // ---- sectors ----

    @Test
    void putSectorThenReadReturnsSameBytes() {
        byte[] bytes = randomBytes(5 * 1024 * 1024 + 123, 7);
        SectorId id = SectorId.random();
        SectorInfo info = putSector(id, bytes);
        assertEquals(id, info.id());
        assertEquals(bytes.length, info.length());
        assertEquals(crc32c(bytes), info.crc32c());
        assertFalse(info.committed());
        assertArrayEquals(bytes, readSector(id, 0, -1));
    }

    @Test
    void readSectorRangesReturnExactSlices() {
        byte[] bytes = randomBytes(1024 * 1024 + 5, 8);
        SectorId id = SectorId.random();
        putSector(id, bytes);
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 100, 300), readSector(id, 100, 200));
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, bytes.length), readSector(id, 1000, -1));
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, bytes.length - 1, bytes.length),
                readSector(id, bytes.length - 1, 1));
        assertEquals(0, readSector(id, 10, 0).length);
    }

    @Test
    void emptySectorRoundTrips() {
        SectorId id = SectorId.random();
        assertEquals(0, putSector(id, new byte[0]).length());
        assertEquals(0, readSector(id, 0, -1).length);
    }

    @Test
    void readMissingSectorFailsNoSuchSector() {
        assertEquals(Code.NO_SUCH_SECTOR, failure(shard.readSector(SectorId.random(), 0, -1)).code());
        assertEquals(Optional.empty(), shard.sectorInfo(SectorId.random()).block(T));
    }

    @Test
    void readRangePastTheEndFailsInvalidArgument() {
        SectorId id = SectorId.random();
        putSector(id, randomBytes(1000, 9));
        assertEquals(Code.INVALID_ARGUMENT, failure(shard.readSector(id, 900, 101)).code());
        assertEquals(Code.INVALID_ARGUMENT, failure(shard.readSector(id, 1001, -1)).code());
    }

    @Test
    void truncatedSectorBodyFailsAndLeavesNoSector() {
        SectorId id = SectorId.random();
        byte[] bytes = randomBytes(200_000, 10);
        ShardException e = failure(shard.putSector(id, bytes.length + 1000, chunks(bytes, 32 * 1024)));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertEquals(Optional.empty(), shard.sectorInfo(id).block(T));
    }

    @Test
    void sectorBodyLongerThanDeclaredFailsAndLeavesNoSector() {
        SectorId id = SectorId.random();
        byte[] bytes = randomBytes(200_000, 11);
        ShardException e = failure(shard.putSector(id, bytes.length - 1000, chunks(bytes, 32 * 1024)));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertEquals(Optional.empty(), shard.sectorInfo(id).block(T));
    }

    @Test
    void sectorInfoReportsTemporaryUntilAVersionCommitsIt() {
        bucket("commit");
        byte[] bytes = randomBytes(4096, 12);
        SectorId id = SectorId.random();
        putSector(id, bytes);
        SectorInfo before = shard.sectorInfo(id).block(T).orElseThrow();
        assertEquals(4096, before.length());
        assertEquals(crc32c(bytes), before.crc32c());
        assertFalse(before.committed());
        shard.putVersion(version("commit", "k", "v1", id, bytes.length, "e"), PutCondition.NONE, false).block(T);
        assertTrue(shard.sectorInfo(id).block(T).orElseThrow().committed());
    }

    @Test
    void deleteSectorRemovesATemporarySectorButNotAReferencedOne() {
        bucket("del");
        SectorId loose = SectorId.random();
        putSector(loose, randomBytes(1000, 13));
        shard.deleteSector(loose).block(T);
        assertEquals(Optional.empty(), shard.sectorInfo(loose).block(T));

        byte[] bytes = randomBytes(1000, 14);
        ObjectVersion v = putObject("del", "kept", "v1", bytes, PutCondition.NONE);
        SectorId kept = v.sectors().get(0).id();
        shard.deleteSector(kept).block(T);
        assertArrayEquals(bytes, readSector(kept, 0, -1));
    }

    // ---- versions ----

    @Test
    void putVersionWithSectorsStoresTheSectorsAndTheVersionTogether() {
        bucket("small");
        byte[] a = randomBytes(4112, 40);
        byte[] b = randomBytes(100, 41);
        SectorId ia = SectorId.random();
        SectorId ib = SectorId.random();
        ByteBuf ba = Unpooled.copiedBuffer(a);
        ByteBuf bb = Unpooled.directBuffer(b.length).writeBytes(b);
        long gen = shard.nextGeneration("small", 0).block(T);
        ObjectVersion v = new ObjectVersion("small", "k", ObjectVersion.NULL_VERSION, gen, false, a.length + b.length,
                "e", 1_700_000_000_000L, "STANDARD",
                List.of(new SectorRef(ia, a.length), new SectorRef(ib, b.length)), "m".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), shard.putVersionWithSectors(v, PutCondition.IF_ABSENT, true,
                List.of(new NewSector(ia, ba), new NewSector(ib, bb))).block(T));
        assertEquals(0, ba.refCnt(), "the shard released the first buffer");
        assertEquals(0, bb.refCnt(), "the shard released the second buffer");
        assertArrayEquals(a, readSector(ia, 0, -1));
        assertArrayEquals(b, readSector(ib, 0, -1));
        SectorInfo info = shard.sectorInfo(ia).block(T).orElseThrow();
        assertTrue(info.committed());
        assertEquals(crc32c(a), info.crc32c());
        assertEquals(a.length, info.length());
        ObjectVersion got = shard.getVersion("small", "k", null).block(T).orElseThrow();
        assertEquals(v.sectors(), got.sectors());
        assertEquals(gen, got.generation());

        // a new null version replaces it and frees both sectors
        ObjectVersion next = putObject("small", "k", ObjectVersion.NULL_VERSION, randomBytes(10, 42), PutCondition.NONE);
        assertEquals(next.generation(), shard.getVersion("small", "k", null).block(T).orElseThrow().generation());
        assertEquals(Optional.empty(), shard.sectorInfo(ia).block(T));
        assertEquals(Optional.empty(), shard.sectorInfo(ib).block(T));
    }

    @Test
    void putVersionWithSectorsWhoseConditionFailsLeavesNoSector() {
        bucket("cond");
        putObject("cond", "k", "v1", randomBytes(10, 43), PutCondition.NONE);
        SectorId id = SectorId.random();
        ByteBuf buf = Unpooled.copiedBuffer(randomBytes(2000, 44));
        ObjectVersion v = version("cond", "k", "v2", id, 2000, "e2");
        ShardException e = failure(shard.putVersionWithSectors(v, PutCondition.IF_ABSENT, false,
                List.of(new NewSector(id, buf))));
        assertEquals(Code.PRECONDITION_FAILED, e.code());
        assertEquals(0, buf.refCnt());
        assertEquals(Optional.empty(), shard.sectorInfo(id).block(T));
        assertEquals("v1", shard.getVersion("cond", "k", null).block(T).orElseThrow().versionId());
    }

    @Test
    void putVersionWithSectorsInAMissingBucketFailsNoSuchBucket() {
        SectorId id = SectorId.random();
        ByteBuf buf = Unpooled.copiedBuffer(randomBytes(300, 45));
        ObjectVersion v = new ObjectVersion("nobucket", "k", "v1", 1, false, 300, "e", 1_700_000_000_000L,
                "STANDARD", List.of(new SectorRef(id, 300)), "m".getBytes(StandardCharsets.UTF_8));
        assertEquals(Code.NO_SUCH_BUCKET, failure(shard.putVersionWithSectors(v, PutCondition.NONE, false,
                List.of(new NewSector(id, buf)))).code());
        assertEquals(0, buf.refCnt());
        assertEquals(Optional.empty(), shard.sectorInfo(id).block(T));
    }

    @Test
    void putVersionThenGetReturnsIt() {
        bucket("v");
        byte[] bytes = randomBytes(3000, 15);
        ObjectVersion v = putObject("v", "docs/a.txt", "v1", bytes, PutCondition.NONE);
        ObjectVersion got = shard.getVersion("v", "docs/a.txt", null).block(T).orElseThrow();
        assertEquals(v.generation(), got.generation());
        assertEquals(v.etag(), got.etag());
        assertEquals(v.sectors(), got.sectors());
        assertArrayEquals(v.manifest(), got.manifest());
        assertEquals("v1", shard.getVersion("v", "docs/a.txt", "v1").block(T).orElseThrow().versionId());
        assertEquals(Optional.empty(), shard.getVersion("v", "docs/b.txt", null).block(T));
    }

    @Test
    void putVersionReturnsThePreviousCurrentVersion() {
        bucket("prev");
        ObjectVersion first = putObject("prev", "k", "v1", randomBytes(10, 16), PutCondition.NONE);
        ObjectVersion second = version("prev", "k", "v2", null, 0, "e2");
        Optional<ObjectVersion> previous = shard.putVersion(second, PutCondition.NONE, false).block(T);
        assertEquals(first.generation(), previous.orElseThrow().generation());
        assertEquals("v2", shard.getVersion("prev", "k", null).block(T).orElseThrow().versionId());
        assertEquals("v1", shard.getVersion("prev", "k", "v1").block(T).orElseThrow().versionId());
    }

    @Test
    void ifAbsentConditionFailsWhenTheKeyExists() {
        bucket("cond");
        putObject("cond", "k", "v1", randomBytes(10, 17), PutCondition.IF_ABSENT);
        ObjectVersion again = version("cond", "k", "v2", null, 0, "x");
        assertEquals(Code.PRECONDITION_FAILED, failure(shard.putVersion(again, PutCondition.IF_ABSENT, false)).code());
        assertEquals("v1", shard.getVersion("cond", "k", null).block(T).orElseThrow().versionId());
    }

    @Test
    void etagAndGenerationConditionsCompareWithTheCurrentVersion() {
        bucket("cas");
        ObjectVersion v1 = putObject("cas", "k", "v1", randomBytes(10, 18), PutCondition.NONE);
        ObjectVersion bad = version("cas", "k", "v2", null, 0, "e2");
        assertEquals(Code.PRECONDITION_FAILED,
                failure(shard.putVersion(bad, new PutCondition.IfEtagMatches("other"), false)).code());
        assertEquals(Code.PRECONDITION_FAILED,
                failure(shard.putVersion(bad, new PutCondition.IfGeneration(v1.generation() + 1000), false)).code());
        shard.putVersion(bad, new PutCondition.IfEtagMatches(v1.etag()), false).block(T);
        ObjectVersion v3 = version("cas", "k", "v3", null, 0, "e3");
        shard.putVersion(v3, new PutCondition.IfGeneration(bad.generation()), false).block(T);
        assertEquals("v3", shard.getVersion("cas", "k", null).block(T).orElseThrow().versionId());
    }

    @Test
    void nullVersionIsReplacedWhenAsked() {
        bucket("nullv");
        putObject("nullv", "k", ObjectVersion.NULL_VERSION, randomBytes(10, 19), PutCondition.NONE);
        byte[] second = randomBytes(20, 20);
        putObject("nullv", "k", ObjectVersion.NULL_VERSION, second, PutCondition.NONE);
        ListPage all = shard.list(new ListRequest("nullv", "", "", null, "", 100, true)).block(T);
        assertEquals(1, all.entries().size());
        assertEquals(20, all.entries().get(0).version().size());
    }

    @Test
    void deleteVersionRemovesItAndAnswersIt() {
        bucket("dv");
        ObjectVersion v = putObject("dv", "k", "v1", randomBytes(10, 21), PutCondition.NONE);
        assertEquals(v.generation(), shard.deleteVersion("dv", "k", "v1").block(T).orElseThrow().generation());
        assertEquals(Optional.empty(), shard.getVersion("dv", "k", null).block(T));
        assertEquals(Optional.empty(), shard.deleteVersion("dv", "k", "v1").block(T));
    }

    @Test
    void keysWithAwkwardCharactersRoundTrip() {
        bucket("odd");
        List<String> keys = List.of("a b+c", "100%/x?y=z&w", "ünïcødé/日本語", "#hash", "tab\tand\nnewline", "../..");
        for (String k : keys) {
            putObject("odd", k, "v-" + k, randomBytes(5, k.hashCode()), PutCondition.NONE);
        }
        for (String k : keys) {
            assertEquals(k, shard.getVersion("odd", k, "v-" + k).block(T).orElseThrow().key());
        }
        ListPage page = shard.list(ListRequest.objects("odd", "", "", "", 100)).block(T);
        assertEquals(keys.stream().sorted(ShardContractTest::utf8Order).toList(),
                page.entries().stream().map(ListEntry::key).toList());
    }

    private static int utf8Order(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    // ---- listing ----

    @Test
    void listWithDelimiterCollapsesCommonPrefixes() {
        bucket("tree");
        for (String k : List.of("a.txt", "dir/1", "dir/2", "dir/sub/3", "dos/4", "z.txt")) {
            putObject("tree", k, "v", randomBytes(3, k.hashCode()), PutCondition.NONE);
        }
        ListPage top = shard.list(ListRequest.objects("tree", "", "", "/", 100)).block(T);
        assertEquals(List.of("a.txt", "dir/", "dos/", "z.txt"), top.entries().stream().map(ListEntry::key).toList());
        assertTrue(top.entries().get(1).commonPrefix());
        assertFalse(top.truncated());

        ListPage inDir = shard.list(ListRequest.objects("tree", "dir/", "", "/", 100)).block(T);
        assertEquals(List.of("dir/1", "dir/2", "dir/sub/"), inDir.entries().stream().map(ListEntry::key).toList());
    }

    @Test
    void listPagesWithMaxKeysAndStartAfter() {
        bucket("pages");
        for (int i = 0; i < 7; i++) {
            putObject("pages", "k" + i, "v", randomBytes(3, i), PutCondition.NONE);
        }
        ListPage first = shard.list(ListRequest.objects("pages", "", "", "", 3)).block(T);
        assertEquals(List.of("k0", "k1", "k2"), first.entries().stream().map(ListEntry::key).toList());
        assertTrue(first.truncated());
        assertEquals("k2", first.nextKey());
        ListPage rest = shard.list(ListRequest.objects("pages", "", first.nextKey(), "", 10)).block(T);
        assertEquals(List.of("k3", "k4", "k5", "k6"), rest.entries().stream().map(ListEntry::key).toList());
        assertFalse(rest.truncated());
    }

    @Test
    void listVersionsShowsEveryVersionNewestFirst() {
        bucket("vers");
        putObject("vers", "k", "v1", randomBytes(3, 1), PutCondition.NONE);
        putObject("vers", "k", "v2", randomBytes(3, 2), PutCondition.NONE);
        putObject("vers", "l", "v3", randomBytes(3, 3), PutCondition.NONE);
        ListPage page = shard.list(new ListRequest("vers", "", "", null, "", 100, true)).block(T);
        assertEquals(List.of("v2", "v1", "v3"), page.entries().stream().map(e -> e.version().versionId()).toList());
        assertTrue(page.entries().get(0).latest());
        assertFalse(page.entries().get(1).latest());
    }

    @Test
    void listMissingBucketFailsNoSuchBucket() {
        assertEquals(Code.NO_SUCH_BUCKET, failure(shard.list(ListRequest.objects("none", "", "", "", 10))).code());
    }

    // ---- multipart ----

    @Test
    void multipartUploadCompletesIntoAVersion() {
        bucket("mp");
        MultipartUpload upload = new MultipartUpload("mp", "big.bin", "up-1", 1_700_000_000_000L, new byte[] {1, 2, 3});
        shard.createUpload(upload).block(T);
        assertArrayEquals(new byte[] {1, 2, 3}, shard.getUpload("mp", "big.bin", "up-1").block(T).orElseThrow().state());

        byte[] p1 = randomBytes(300_000, 31);
        byte[] p2 = randomBytes(1000, 32);
        SectorId s1 = SectorId.random();
        SectorId s2 = SectorId.random();
        putSector(s1, p1);
        putSector(s2, p2);
        shard.putPart("mp", "big.bin", new UploadPart("up-1", 1, p1.length, "e1", 1L, List.of(new SectorRef(s1, p1.length)), null)).block(T);
        shard.putPart("mp", "big.bin", new UploadPart("up-1", 2, p2.length, "e2", 2L, List.of(new SectorRef(s2, p2.length)), new byte[] {9})).block(T);

        List<UploadPart> parts = shard.listParts("mp", "big.bin", "up-1", 0, 100).block(T);
        assertEquals(List.of(1, 2), parts.stream().map(UploadPart::partNumber).toList());
        assertArrayEquals(new byte[] {9}, parts.get(1).state());
        assertEquals(List.of(2), shard.listParts("mp", "big.bin", "up-1", 1, 100).block(T).stream()
                .map(UploadPart::partNumber).toList());
        assertEquals(List.of("up-1"), shard.listUploads("mp", "", null, null, 100).block(T).stream()
                .map(MultipartUpload::uploadId).toList());

        long gen = shard.nextGeneration("mp", 0).block(T);
        ObjectVersion v = new ObjectVersion("mp", "big.bin", "v1", gen, false, p1.length + p2.length, "e-2", 5L, null,
                List.of(new SectorRef(s1, p1.length), new SectorRef(s2, p2.length)), new byte[] {7});
        assertEquals(Optional.empty(), shard.completeUpload("up-1", v, PutCondition.NONE, false).block(T));

        assertEquals(Optional.empty(), shard.getUpload("mp", "big.bin", "up-1").block(T));
        assertEquals(List.of(), shard.listUploads("mp", "", null, null, 100).block(T));
        assertEquals(2, shard.getVersion("mp", "big.bin", null).block(T).orElseThrow().sectors().size());
        assertArrayEquals(p1, readSector(s1, 0, -1));
        assertTrue(shard.sectorInfo(s2).block(T).orElseThrow().committed());
    }

    @Test
    void abortedUploadIsGoneAndAbortingAgainFailsNoSuchUpload() {
        bucket("ab");
        shard.createUpload(new MultipartUpload("ab", "k", "up-2", 1L, null)).block(T);
        shard.abortUpload("ab", "k", "up-2").block(T);
        assertEquals(Optional.empty(), shard.getUpload("ab", "k", "up-2").block(T));
        assertEquals(Code.NO_SUCH_UPLOAD, failure(shard.abortUpload("ab", "k", "up-2")).code());
    }

    // ---- control store ----

    @Test
    void controlStorePutGetDeleteAndScan() {
        control.put("users/alice", "A".getBytes(StandardCharsets.UTF_8)).block(T);
        control.put("users/bob", new byte[0]).block(T);
        control.put("zeta", new byte[] {1}).block(T);
        assertArrayEquals("A".getBytes(StandardCharsets.UTF_8), control.get("users/alice").block(T).orElseThrow());
        assertArrayEquals(new byte[0], control.get("users/bob").block(T).orElseThrow());
        assertEquals(Optional.empty(), control.get("users/carol").block(T));

        assertFalse(control.putIfAbsent("users/alice", new byte[] {2}).block(T));
        assertTrue(control.putIfAbsent("users/carol", new byte[] {3}).block(T));
        assertArrayEquals("A".getBytes(StandardCharsets.UTF_8), control.get("users/alice").block(T).orElseThrow());

        assertEquals(List.of("users/alice", "users/bob", "users/carol"),
                control.scan("users/").map(Map.Entry::getKey).collectList().block(T));
        assertTrue(control.delete("users/bob").block(T));
        assertFalse(control.delete("users/bob").block(T));
        assertEquals(List.of("users/alice", "users/carol"),
                control.scan("users/").map(Map.Entry::getKey).collectList().block(T));
    }

    // ---- health ----

    @Test
    void statsCountSectorsAndReportTheShardId() {
        SectorId id = SectorId.random();
        putSector(id, randomBytes(1234, 40));
        var stats = shard.stats().block(T);
        assertNotNull(stats);
        assertEquals(shard.id(), stats.shardId());
        assertTrue(stats.sectors() >= 1);
        assertTrue(stats.temporarySectors() >= 1);
    }
}
