package io.coffer.benchmarks.store;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.index.SectorLocationIndex;
import io.coffer.shard.meta.MetaStore;
import io.coffer.shard.meta.SectorRecord;
import io.coffer.shard.meta.SectorState;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.volume.Extent;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * The shard's LMDB metadata path: a manifest (version) put under each fsync policy, a manifest get,
 * and a sector-location lookup through an LMDB read transaction next to the same lookup in the
 * Chronicle Map index (DESIGN.md keeps Chronicle Map only while it beats LMDB here).
 *
 * <p>Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar ManifestStoreBenchmark}; add
 * {@code -t 8} to see group commit batch concurrent puts into shared fsyncs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class ManifestStoreBenchmark {

    /** A shard store under one fsync policy, with objects to read and a sector to reference. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"ALWAYS", "GROUP", "NONE"})
        public String fsync;

        /** Distinct keys written and read; puts cycle over them, so versions accumulate per key. */
        @Param({"10000"})
        public int keys;

        Path dir;
        ShardStore store;
        SectorRef sector;
        final AtomicLong generation = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("coffer-manifest-bench");
            store = ShardStore.open(dir, ShardConfig.defaults()
                    .withVolumes(ShardConfig.forTests().volumes().withFsyncPolicy(FsyncPolicy.valueOf(fsync))));
            store.createBucket(new BucketInfo("bench", 0, "", "", Map.of())).block();
            SectorId id = SectorId.random();
            byte[] bytes = new byte[4112];
            store.putSector(id, bytes.length, Mono.just(Unpooled.wrappedBuffer(bytes))).block();
            sector = new SectorRef(id, bytes.length);
            List<ObjectVersion> initial = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                initial.add(version(i));
            }
            store.meta().putVersions(initial);
        }

        ObjectVersion version(int keyIndex) {
            long g = generation.incrementAndGet();
            // 600 bytes of manifest: about what a signed single-sector manifest takes
            return new ObjectVersion("bench", "objects/" + keyIndex, "v" + g, g, false, 4096, "etag", g, null,
                    List.of(sector), new byte[600]);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            store.close();
            deleteTree(dir);
        }
    }

    /** LMDB sector records and the Chronicle Map index holding the same locations. */
    @State(Scope.Benchmark)
    public static class Locations {
        @Param({"100000"})
        public int sectors;

        Path dir;
        MetaStore meta;
        SectorLocationIndex index;
        SectorId[] ids;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("coffer-location-bench");
            meta = MetaStore.open(dir.resolve("meta"), 64L << 20, 1L << 40);
            ids = new SectorId[sectors];
            List<Map.Entry<SectorId, Extent>> entries = new ArrayList<>(sectors);
            for (int i = 0; i < sectors; i++) {
                ids[i] = SectorId.random();
                long offset = 4096L + 4608L * i;
                meta.insertTemporarySector(new SectorRecord(ids[i], 0, offset, 4112, 0, SectorState.TEMPORARY, i));
                entries.add(new AbstractMap.SimpleImmutableEntry<>(ids[i], new Extent(0, offset, 4112)));
            }
            index = SectorLocationIndex.open(dir.resolve("index"), sectors, entries::iterator);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            index.close();
            meta.close();
            deleteTree(dir);
        }
    }

    /**
     * A flat listing page of 1,000 keys through the Shard API (it stays on the store's scheduler).
     * Next to {@link #listPageDirect} it shows whether a page is short enough to run on the caller
     * thread like the point reads: it is not (see docs/decisions/lmdb-reads-on-caller-thread.md).
     */
    @Benchmark
    public Object listPage(Store s) {
        return s.store.list(ListRequest.objects("bench", "objects/", startAfter(s), "", 1000)).block();
    }

    /** The same page straight on the metadata store: how long it would hold an event loop. */
    @Benchmark
    public Object listPageDirect(Store s) {
        return s.store.meta().list(ListRequest.objects("bench", "objects/", startAfter(s), "", 1000));
    }

    /** "objects/0" .. "objects/8": with 10,000 keys at least 2,221 sort after each, so pages are full. */
    private static String startAfter(Store s) {
        return "objects/" + ThreadLocalRandom.current().nextInt(9);
    }

    /** One manifest put, acknowledged once durable per the policy (scheduler hop included). */
    @Benchmark
    public Object putManifest(Store s) {
        ObjectVersion v = s.version(ThreadLocalRandom.current().nextInt(s.keys));
        return s.store.putVersion(v, PutCondition.NONE, false).block();
    }

    /**
     * The newest version of a random key, through the Shard API. Since the point-read change this
     * runs on the calling thread (no scheduler hop); before it, the read hopped to the scheduler.
     */
    @Benchmark
    public Object getManifest(Store s) {
        return s.store.getVersion("bench", "objects/" + ThreadLocalRandom.current().nextInt(s.keys), null).block();
    }

    /** The same read straight on the metadata store: the LMDB cost alone. */
    @Benchmark
    public Object getManifestDirect(Store s) {
        return s.store.meta().getVersion("bench", "objects/" + ThreadLocalRandom.current().nextInt(s.keys), null);
    }

    /** Sector id -> location through an LMDB read transaction. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object sectorLocationLmdb(Locations l) {
        return l.meta.sector(l.ids[ThreadLocalRandom.current().nextInt(l.ids.length)]);
    }

    /** Sector id -> location through the Chronicle Map index. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object sectorLocationChronicle(Locations l) {
        return l.index.get(l.ids[ThreadLocalRandom.current().nextInt(l.ids.length)]);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
