package io.coffer.shard.store;

import static io.coffer.shard.store.StoreFixture.bucket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.volume.VolumeConfig;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 2's packing budget, measured at its own scale: 100,000 objects of 4 KiB, stored the way the
 * gateway stores them (one 4,112-byte sector each, 4 KiB plaintext plus one GCM tag, and a version
 * whose manifest is the 416 bytes a signed 4 KiB single-part manifest takes).
 *
 * <p>Asserted: everything these objects occupy on disk, the volume space of their sectors (extents
 * rounded to the allocator's 64-byte alignment) plus the blocks of the LMDB environment and of the
 * Chronicle Map index (du), is at most 1.3x their 409,600,000 bytes; and the volume files grow with
 * the extents (within one grow step). LMDB takes about 1 KB per object (mostly the manifest, in
 * two-thirds-full B-tree pages), which is why the alignment is 64 bytes and not 512 (1.39x in total).
 *
 * <p>Then every tenth object is deleted and as many new ones written: the volumes must not grow, so
 * space freed among packed neighbours is reused, not only the large sectors of {@code ShardStoreTest}.
 */
class SmallObjectSpaceTest {
    private static final int OBJECTS = 100_000;
    private static final int OBJECT_BYTES = 4096;
    private static final int SECTOR_BYTES = OBJECT_BYTES + 16;
    /** ManifestSigner output for a 4 KiB single-part object (bucket, 16-char key, CRC64NVME checksum). */
    private static final int MANIFEST_BYTES = 416;
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void hundredThousandFourKibObjectsTakeAtMost1point3TimesTheirBytesOnDiskWithTheirMetadata() throws Exception {
        long mib = VolumeConfig.MIB;
        ShardConfig config = ShardConfig.forTests()
                .withVolumes(VolumeConfig.forTests().withSizes(4 * mib, 4 * mib, 256 * mib)
                        .withMaxTotalSize(VolumeConfig.GIB));
        byte[] content = new byte[SECTOR_BYTES];
        byte[] manifest = new byte[MANIFEST_BYTES];
        new Random(7).nextBytes(content);
        new Random(8).nextBytes(manifest);

        try (ShardStore store = ShardStore.open(dir, config)) {
            store.createBucket(bucket("small")).block(StoreFixture.TIMEOUT);
            long t0 = System.nanoTime();
            write(store, 0, OBJECTS, content, manifest);
            long writeMillis = (System.nanoTime() - t0) / 1_000_000;

            ShardStats stats = store.stats().block(StoreFixture.TIMEOUT);
            assertEquals(OBJECTS, stats.objects());
            assertEquals(OBJECTS, stats.sectors());
            assertEquals(0, stats.temporarySectors());
            long objectBytes = (long) OBJECTS * OBJECT_BYTES;
            long volumeUsed = stats.bytesUsed();
            long meta = du(dir.resolve("meta"));
            long index = du(dir.resolve("index"));
            long volumeFiles = du(dir.resolve("volumes"));
            long total = volumeUsed + meta + index;
            System.out.printf(
                    "%d x %d B objects (%d B sectors, %d B manifests) written in %d ms: volume extents %d B"
                            + " (%.3fx), LMDB %d B (%d B/object), index %d B, total %.3fx of %d B;"
                            + " volume files on disk %d B%n",
                    OBJECTS, OBJECT_BYTES, SECTOR_BYTES, MANIFEST_BYTES, writeMillis, volumeUsed,
                    (double) volumeUsed / objectBytes, meta, meta / OBJECTS, index, (double) total / objectBytes,
                    objectBytes, volumeFiles);
            assertTrue(total <= 1.3 * objectBytes, "objects take " + total + " B on disk for " + objectBytes + " B");
            // the volume files themselves stay within one grow step of the packed bytes
            assertTrue(volumeFiles <= volumeUsed + 2 * 4 * mib + 64 * 1024, "volume files " + volumeFiles);

            // delete every tenth object, write as many new ones: the freed extents take them
            long capacity = stats.bytesCapacity();
            Flux.range(0, OBJECTS / 10)
                    .flatMap(i -> store.deleteVersion("small", key(10 * i), ObjectVersion.NULL_VERSION), 16)
                    .blockLast(LONG);
            assertEquals(OBJECTS - OBJECTS / 10, store.stats().block(StoreFixture.TIMEOUT).sectors());
            write(store, OBJECTS, OBJECTS / 10, content, manifest);
            ShardStats after = store.stats().block(StoreFixture.TIMEOUT);
            assertEquals(OBJECTS, after.sectors());
            assertEquals(capacity, after.bytesCapacity(), "volumes grew although half their space was free");
            assertEquals(volumeUsed, after.bytesUsed());
            assertEquals(List.of(), store.meta().audit(10));

            // spot check: the packed neighbours did not overwrite each other
            for (int i : new int[] {1, 11, OBJECTS - 1, OBJECTS + 7, OBJECTS + OBJECTS / 10 - 1}) {
                ObjectVersion v = store.getVersion("small", key(i), null).block(StoreFixture.TIMEOUT).orElseThrow();
                byte[] expected = content.clone();
                stamp(expected, i);
                assertArrayEquals(expected, StoreFixture.read(store, v.sectors().get(0).id(), 0, -1), key(i));
            }
        }
    }

    /**
     * Even objects the way the gateway stores a small object (sector and version in one request),
     * odd ones sector first, then version (a multipart part's way): both must pack alike.
     */
    private static void write(ShardStore store, int from, int count, byte[] content, byte[] manifest) {
        Flux.range(from, count)
                .flatMap(i -> {
                    SectorId id = SectorId.random();
                    byte[] bytes = content.clone();
                    stamp(bytes, i);
                    ObjectVersion v = new ObjectVersion("small", key(i), ObjectVersion.NULL_VERSION, i + 1L, false,
                            OBJECT_BYTES, "0123456789abcdef0123456789abcdef", 1_700_000_000_000L + i, null,
                            List.of(new SectorRef(id, SECTOR_BYTES)), manifest);
                    if (i % 2 == 0) {
                        return store.putVersionWithSectors(v, PutCondition.NONE, false,
                                List.of(new NewSector(id, Unpooled.wrappedBuffer(bytes))));
                    }
                    return store.putSector(id, SECTOR_BYTES, Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes)))
                            .flatMap(info -> store.putVersion(v, PutCondition.NONE, false));
                }, 32)
                .blockLast(LONG);
    }

    /** Makes each object's bytes distinct, so a misplaced extent would show in the spot check. */
    private static void stamp(byte[] bytes, int i) {
        byte[] tag = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, bytes, 0, tag.length);
    }

    private static String key(int i) {
        return String.format("small/obj-%06d", i);
    }

    /** Bytes the files under {@code path} occupy on disk (allocated blocks, not apparent sizes). */
    private static long du(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "-B1", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "du failed: " + out);
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
