package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.VolumeInfo;
import io.coffer.shard.api.VolumeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.coffer.shard.volume.VolumeConfig.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeSetTest {
    @TempDir
    Path dataDir;

    private final VolumeConfig cfg = VolumeConfig.forTests(); // 4 MiB first, 4 MiB steps, 16 MiB/volume, 64 MiB total

    @Test
    void openCreatesOneVolumeFileNamedByItsUuid() {
        UUID id;
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertEquals(1, set.volumes().size());
            Volume v = set.volume(0);
            id = v.id();
            assertEquals(0, v.index());
            assertEquals(4 * MIB, v.capacity());
            assertEquals(VolumeState.WRITABLE, v.state());
            assertEquals(dataDir.resolve("volumes").resolve(id + ".vol"), v.path());
            assertEquals(4 * MIB, v.path().toFile().length());
        }
        try (VolumeSet again = VolumeSet.open(dataDir, cfg)) {
            assertEquals(1, again.volumes().size());
            assertEquals(id, again.volume(0).id());
            assertEquals(4 * MIB, again.volume(0).capacity());
        }
    }

    @Test
    void volumeBlocksAreReservedUpFrontNotSparse() throws Exception {
        assertTrue(Preallocation.available(), "fallocate must bind on Linux");
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertTrue(allocatedBytes(set.volume(0).path()) >= 4 * MIB, "first volume is sparse");
            set.allocate(3 * MIB);
            set.allocate(3 * MIB); // extends the volume to 8 MiB
            assertEquals(8 * MIB, set.volume(0).capacity());
            assertTrue(allocatedBytes(set.volume(0).path()) >= 8 * MIB, "extension is sparse");
        }
    }

    @Test
    void headerSurvivesOneDamagedCopyAndRejectsTwo() throws IOException {
        Path file;
        UUID id;
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            file = set.volume(0).path();
            id = set.volume(0).id();
        }
        scribble(file, 10);
        try (Volume v = Volume.open(file)) {
            assertEquals(id, v.id());
            assertEquals(0, v.index());
        }
        scribble(file, Volume.HEADER_COPY_OFFSET + 10);
        ShardException e = assertThrows(ShardException.class, () -> Volume.open(file));
        assertEquals(ShardException.Code.INTERNAL, e.code());
    }

    @Test
    void aVolumeWhoseCreationWasInterruptedIsDeletedAtOpen() throws IOException {
        Path volumes = Files.createDirectories(dataDir.resolve("volumes"));
        Path half = volumes.resolve(UUID.randomUUID() + ".vol.tmp");
        Files.write(half, new byte[4096]);
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertFalse(Files.exists(half));
            assertEquals(1, set.volumes().size());
        }
        try (Stream<Path> files = Files.list(volumes)) {
            assertTrue(files.allMatch(f -> f.toString().endsWith(".vol")));
        }
    }

    @Test
    void renamedVolumeFileIsRejected() throws IOException {
        Path file;
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            file = set.volume(0).path();
        }
        Path other = file.resolveSibling(UUID.randomUUID() + ".vol");
        Files.move(file, other);
        assertThrows(ShardException.class, () -> Volume.open(other));
    }

    @Test
    void allocationGrowsByExtendingTheLastVolumeThenByAddingVolumes() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            // 3 MiB sectors: the first volume (4 MiB) fits one, then it is extended 4 MiB at a time up to 16 MiB
            for (int i = 0; i < 5; i++) {
                set.allocate(3 * MIB);
            }
            assertEquals(1, set.volumes().size());
            assertEquals(16 * MIB, set.volume(0).capacity());
            assertEquals(16 * MIB, set.volume(0).path().toFile().length());
            Extent inSecond = set.allocate(3 * MIB);
            assertEquals(1, inSecond.volumeIndex());
            assertEquals(2, set.volumes().size());
            assertNotEquals(set.volume(0).id(), set.volume(1).id());
        }
        try (VolumeSet again = VolumeSet.open(dataDir, cfg)) {
            assertEquals(2, again.volumes().size());
            assertEquals(16 * MIB, again.volume(0).capacity());
        }
    }

    @Test
    void hundredThousandEncryptedFourKibObjectsTakeAtMost1_3xTheirBytesOnDisk() throws Exception {
        int n = 100_000;
        int sector = 4096 + 16; // 4 KiB of ciphertext + the GCM tag
        long payload = (long) n * sector;
        VolumeConfig packed = new VolumeConfig(32 * MIB, 32 * MIB, 256 * MIB, 1024 * MIB, 0, FsyncPolicy.NONE);
        try (VolumeSet set = VolumeSet.open(dataDir, packed)) {
            for (int i = 0; i < n; i++) {
                set.allocate(sector);
            }
            long onDisk = 0;
            for (Volume v : set.volumes()) {
                onDisk += allocatedBytes(v.path()); // st_blocks: what the files really take, headers and tails included
            }
            long used = set.info().stream().mapToLong(VolumeInfo::used).sum();
            System.out.printf("100k x %d B: payload %d, reserved %d (%.3fx), on disk %d (%.3fx), %d volumes%n",
                    sector, payload, used, (double) used / payload, onDisk, (double) onDisk / payload, set.volumes().size());
            assertTrue(used <= 1.3 * payload, "reserved " + used);
            assertTrue(onDisk <= 1.3 * payload, "on disk " + onDisk + " for " + payload);
        }
    }

    @Test
    void allocationPastTheMaxTotalSizeFailsWithNoSpace() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg.withMaxTotalSize(12 * MIB))) {
            set.allocate(3 * MIB);
            set.allocate(3 * MIB);
            set.allocate(3 * MIB);
            ShardException e = assertThrows(ShardException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    set.allocate(3 * MIB);
                }
            });
            assertEquals(ShardException.Code.NO_SPACE, e.code());
            assertTrue(set.totalCapacity() <= 12 * MIB, "capacity " + set.totalCapacity());
            // freeing makes room again without growing
            set.free(new Extent(0, Volume.DATA_START, 3 * MIB));
            assertEquals(0, set.allocate(3 * MIB).volumeIndex());
        }
    }

    @Test
    void creatingAVolumeOnAFullDiskFailsWithNoSpaceAndLeavesNoFile() throws IOException {
        long moreThanTheDisk = Files.getFileStore(dataDir).getTotalSpace();
        ShardException e = assertThrows(ShardException.class,
                () -> VolumeSet.open(dataDir, cfg.withReserveDiskBytes(moreThanTheDisk)));
        assertEquals(ShardException.Code.NO_SPACE, e.code());
        try (Stream<Path> files = Files.list(dataDir.resolve("volumes"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void growingOnAFullDiskFailsWithNoSpace() throws IOException {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            set.rebuildAllocation(List.of());
        }
        long moreThanTheDisk = Files.getFileStore(dataDir).getTotalSpace();
        try (VolumeSet set = VolumeSet.open(dataDir, cfg.withReserveDiskBytes(moreThanTheDisk))) {
            set.rebuildAllocation(List.of());
            set.allocate(3 * MIB); // fits in the existing volume: no disk check needed
            ShardException e = assertThrows(ShardException.class, () -> set.allocate(3 * MIB));
            assertEquals(ShardException.Code.NO_SPACE, e.code());
            assertEquals(4 * MIB, set.volume(0).capacity());
        }
    }

    @Test
    void concurrentAllocationAcrossGrowthNeverOverlaps() throws Exception {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            int threads = 6;
            ConcurrentLinkedQueue<Extent> got = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 150; i++) {
                        got.add(set.allocate(1 + r.nextInt(100_000)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(set.volumes().size() > 1 || set.volume(0).capacity() > 4 * MIB, "no growth happened");
            Map<Integer, List<Extent>> byVolume = new TreeMap<>();
            for (Extent e : got) {
                byVolume.computeIfAbsent(e.volumeIndex(), k -> new ArrayList<>()).add(e);
            }
            long reserved = 0;
            for (List<Extent> list : byVolume.values()) {
                list.sort(Comparator.comparingLong(Extent::offset));
                for (int i = 0; i < list.size(); i++) {
                    Extent e = list.get(i);
                    reserved += ExtentAllocator.reserved(e.length());
                    assertTrue(e.offset() >= Volume.DATA_START);
                    assertTrue(e.end() <= set.volume(e.volumeIndex()).capacity(), "past the end: " + e);
                    if (i > 0) {
                        Extent prev = list.get(i - 1);
                        assertTrue(prev.offset() + ExtentAllocator.reserved(prev.length()) <= e.offset(), prev + " overlaps " + e);
                    }
                }
            }
            long used = set.info().stream().mapToLong(VolumeInfo::used).sum();
            assertEquals(reserved, used);
        }
    }

    @Test
    void existingVolumesRefuseAllocationUntilRebuiltFromMetadata() {
        Extent live;
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            live = set.allocate(100_000);
        }
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertThrows(IllegalStateException.class, () -> set.allocate(10));
            set.rebuildAllocation(List.of(live));
            assertEquals(ExtentAllocator.reserved(100_000), set.allocator(0).used());
            Extent next = set.allocate(100_000);
            assertTrue(next.offset() >= live.end(), "reused live bytes: " + next);
        }
    }

    @Test
    void readOnlyAndDrainingVolumesTakeNoNewSectorsButKeepTheirState() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            set.setState(0, VolumeState.READ_ONLY);
            Extent e = set.allocate(1000);
            assertEquals(1, e.volumeIndex(), "allocated in a read-only volume");
            set.setState(1, VolumeState.DRAINING);
            assertEquals(2, set.allocate(1000).volumeIndex());
        }
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertEquals(VolumeState.READ_ONLY, set.volume(0).state());
            assertEquals(VolumeState.DRAINING, set.volume(1).state());
            assertEquals(VolumeState.WRITABLE, set.volume(2).state());
        }
    }

    @Test
    void infoReportsCapacityUsedBytesAndState() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            set.allocate(4112);
            set.allocate(4112);
            List<VolumeInfo> info = set.info();
            assertEquals(1, info.size());
            assertEquals(set.volume(0).id(), info.get(0).id());
            assertEquals(4 * MIB, info.get(0).capacity());
            assertEquals(2 * ExtentAllocator.reserved(4112), info.get(0).used());
            assertEquals(VolumeState.WRITABLE, info.get(0).state());
        }
    }

    @Test
    void writesOutsideTheDataAreaAreRejected() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            Volume v = set.volume(0);
            assertThrows(ShardException.class, () -> v.write(ByteBuffer.allocate(10), 0));
            assertThrows(ShardException.class, () -> v.write(ByteBuffer.allocate(10), v.capacity() - 5));
            assertEquals(10, v.write(ByteBuffer.allocate(10), v.capacity() - 10));
        }
    }

    @Test
    void impossibleSectorSizesAreInvalidArguments() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertEquals(ShardException.Code.INVALID_ARGUMENT,
                    assertThrows(ShardException.class, () -> set.allocate(-1)).code());
            assertEquals(ShardException.Code.INVALID_ARGUMENT,
                    assertThrows(ShardException.class, () -> set.allocate(cfg.maxVolumeSize())).code());
            assertEquals(1, set.volumes().size(), "a rejected sector must not grow the set");
        }
    }

    @Test
    void allocateAfterCloseIsUnavailable() {
        VolumeSet set = VolumeSet.open(dataDir, cfg);
        set.close();
        assertEquals(ShardException.Code.UNAVAILABLE, assertThrows(ShardException.class, () -> set.allocate(1)).code());
    }

    @Test
    void configRejectsInconsistentSizes() {
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(100, MIB, MIB, MIB, 0, FsyncPolicy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(8 * MIB, MIB, 4 * MIB, 64 * MIB, 0, FsyncPolicy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(8 * MIB, MIB, 8 * MIB, 4 * MIB, 0, FsyncPolicy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(8 * MIB, 0, 8 * MIB, 8 * MIB, 0, FsyncPolicy.NONE));
        assertThrows(IllegalArgumentException.class, () -> new VolumeConfig(8 * MIB, MIB, 8 * MIB, 8 * MIB, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Extent(0, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Extent(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Extent(0, Long.MAX_VALUE, 2));
    }

    @Test
    void unknownVolumeIndexIsAnError() {
        try (VolumeSet set = VolumeSet.open(dataDir, cfg)) {
            assertThrows(ShardException.class, () -> set.volume(7));
            assertThrows(ShardException.class, () -> set.rebuildAllocation(List.of(new Extent(7, 4096, 10))));
            assertFalse(set.volumes().isEmpty());
        }
    }

    /** Bytes of disk blocks behind a file (st_blocks × 512), which a sparse file does not have. */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return Long.parseLong(out) * 512;
    }

    private static void scribble(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(new byte[] {1, 2, 3, 4});
        }
    }
}
