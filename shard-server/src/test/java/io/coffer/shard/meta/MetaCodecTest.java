package io.coffer.shard.meta;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.api.VolumeState;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaCodecTest {
    private static final SectorId ID = new SectorId(0x0123456789abcdefL, -2L);

    private static ObjectVersion sampleVersion() {
        return new ObjectVersion("bucket", "dir/ключ😀", "3HL4kqtJlcpXroDTDmJ", 123_456_789L, false, 5L << 30,
                "\"9b2cf535f27731c974343645a3985328-3\"", 1_700_000_000_123L, "STANDARD_IA",
                List.of(new SectorRef(ID, 4 << 20), new SectorRef(new SectorId(1, 2), 17)), new byte[] {9, 8, 7});
    }

    @Test
    void versionRoundTripsEveryField() {
        ObjectVersion v = sampleVersion();
        byte[] enc = VersionCodec.encode(v);
        assertEquals(VersionCodec.FORMAT, enc[0]);
        ObjectVersion back = VersionCodec.decode(enc);
        assertEquals(v.bucket(), back.bucket());
        assertEquals(v.key(), back.key());
        assertEquals(v.versionId(), back.versionId());
        assertEquals(v.generation(), back.generation());
        assertEquals(v.deleteMarker(), back.deleteMarker());
        assertEquals(v.size(), back.size());
        assertEquals(v.etag(), back.etag());
        assertEquals(v.lastModifiedMillis(), back.lastModifiedMillis());
        assertEquals(v.storageClass(), back.storageClass());
        assertEquals(v.sectors(), back.sectors());
        assertArrayEquals(v.manifest(), back.manifest());
        assertArrayEquals("dir/ключ😀".getBytes(java.nio.charset.StandardCharsets.UTF_8), VersionCodec.keyBytes(enc));
    }

    @Test
    void deleteMarkerRoundTrips() {
        ObjectVersion m = new ObjectVersion("b", "k", "v", 1, true, 0, null, 5, null, null, null);
        ObjectVersion back = VersionCodec.decode(VersionCodec.encode(m));
        assertTrue(back.deleteMarker());
        assertEquals(0, back.manifest().length);
    }

    @Test
    void sectorRecordRoundTripsAndIsCompact() {
        SectorRecord s = new SectorRecord(ID, 3, 1L << 33, 4_194_320, 0xCAFEBABE, SectorState.COMMITTED, 42L);
        byte[] enc = SectorRecordCodec.encode(s);
        assertEquals(SectorRecordCodec.FORMAT, enc[0]);
        assertTrue(enc.length <= 28, "sector record takes " + enc.length + " bytes");
        assertEquals(s, SectorRecordCodec.decode(ID, enc));
    }

    @Test
    void bucketRoundTripsWithAttributesAndGeneration() {
        BucketRecord b = new BucketRecord(new BucketInfo("photos", 77L, "eu-west-1", "Enabled",
                Map.of("acl", "private", "owner", "alice")), 991L);
        byte[] enc = BucketCodec.encode(b);
        assertEquals(b, BucketCodec.decode(enc));
        // attribute order does not change the encoding
        BucketRecord same = new BucketRecord(new BucketInfo("photos", 77L, "eu-west-1", "Enabled",
                Map.of("owner", "alice", "acl", "private")), 991L);
        assertArrayEquals(enc, BucketCodec.encode(same));
    }

    @Test
    void uploadPartShardInfoJobAndVolumeRoundTrip() {
        MultipartUpload u = new MultipartUpload("b", "k", "upload-1", 12L, new byte[] {1, 2});
        MultipartUpload ub = UploadCodec.decode(UploadCodec.encode(u));
        assertEquals(List.of(u.bucket(), u.key(), u.uploadId()), List.of(ub.bucket(), ub.key(), ub.uploadId()));
        assertArrayEquals(u.state(), ub.state());
        assertEquals(u.initiatedMillis(), ub.initiatedMillis());

        UploadPart p = new UploadPart("upload-1", 10_000, 5L << 20, "etag", 99L, List.of(new SectorRef(ID, 5)),
                new byte[] {3});
        UploadPart pb = PartCodec.decode(PartCodec.encode(p));
        assertEquals(List.of(p.uploadId(), p.partNumber(), p.size(), p.etag(), p.lastModifiedMillis(), p.sectors()),
                List.of(pb.uploadId(), pb.partNumber(), pb.size(), pb.etag(), pb.lastModifiedMillis(), pb.sectors()));
        assertArrayEquals(p.state(), pb.state());

        ShardInfo s = new ShardInfo(UUID.randomUUID(), 1, 5L);
        assertEquals(s, ShardInfoCodec.decode(ShardInfoCodec.encode(s)));

        JobRecord j = new JobRecord("reclaim", 10L, 3, 4, 12, new byte[] {0, 1});
        JobRecord jb = JobCodec.decode(JobCodec.encode(j));
        assertEquals(List.of(j.name(), j.lastRunMillis(), j.runs(), j.lastRunItems(), j.totalItems()),
                List.of(jb.name(), jb.lastRunMillis(), jb.runs(), jb.lastRunItems(), jb.totalItems()));
        assertArrayEquals(j.position(), jb.position());

        VolumeRecord v = new VolumeRecord(2, UUID.randomUUID(), "x.vol", 1L << 30, VolumeState.DRAINING);
        assertEquals(v, VolumeRecordCodec.decode(VolumeRecordCodec.encode(v)));
    }

    @Test
    void unknownFormatTruncationAndTrailingBytesAreRejected() {
        List<Function<byte[], ?>> decoders = List.of(VersionCodec::decode, BucketCodec::decode, UploadCodec::decode,
                PartCodec::decode, ShardInfoCodec::decode, JobCodec::decode, VolumeRecordCodec::decode,
                b -> SectorRecordCodec.decode(ID, b));
        List<byte[]> samples = List.of(VersionCodec.encode(sampleVersion()),
                BucketCodec.encode(new BucketRecord(new BucketInfo("b", 1, "", "", Map.of("a", "b")), 1)),
                UploadCodec.encode(new MultipartUpload("b", "k", "u", 1, new byte[3])),
                PartCodec.encode(new UploadPart("u", 1, 1, "e", 1, List.of(new SectorRef(ID, 1)), null)),
                ShardInfoCodec.encode(new ShardInfo(UUID.randomUUID(), 1, 1)),
                JobCodec.encode(JobRecord.initial("j")),
                VolumeRecordCodec.encode(new VolumeRecord(0, UUID.randomUUID(), "v", 1, VolumeState.WRITABLE)),
                SectorRecordCodec.encode(new SectorRecord(ID, 0, 0, 1, 1, SectorState.TEMPORARY, 1)));
        for (int i = 0; i < decoders.size(); i++) {
            Function<byte[], ?> decode = decoders.get(i);
            byte[] good = samples.get(i);
            byte[] future = good.clone();
            future[0] = 99;
            assertThrows(CorruptRecordException.class, () -> decode.apply(future), "format, decoder " + i);
            assertThrows(CorruptRecordException.class, () -> decode.apply(new byte[0]), "empty, decoder " + i);
            for (int cut = 1; cut < good.length; cut++) {
                byte[] truncated = Arrays.copyOf(good, cut);
                assertThrows(RuntimeException.class, () -> decode.apply(truncated), "cut " + cut + ", decoder " + i);
            }
            byte[] trailing = Arrays.copyOf(good, good.length + 1);
            assertThrows(CorruptRecordException.class, () -> decode.apply(trailing), "trailing, decoder " + i);
        }
    }

    @Test
    void varintsRoundTripAcrossTheirRange() {
        long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE};
        RecordWriter w = new RecordWriter(4);
        for (long v : values) {
            w.writeVarLong(v);
        }
        RecordReader r = new RecordReader(w.toByteArray());
        for (long v : values) {
            assertEquals(v, r.readVarLong());
        }
        r.expectEnd();
        assertThrows(IllegalArgumentException.class, () -> new RecordWriter(1).writeVarLong(-1));
    }

    @Test
    void invertedGenerationsSortNewestFirst() {
        long[] gens = {1, 2, 255, 256, 1L << 32, Long.MAX_VALUE};
        for (int i = 1; i < gens.length; i++) {
            assertTrue(Arrays.compareUnsigned(MetaStore.invertedGeneration(gens[i]),
                    MetaStore.invertedGeneration(gens[i - 1])) < 0);
        }
    }
}
