package io.coffer.benchmarks.volume;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.index.SectorLocationIndex;
import io.coffer.shard.volume.Extent;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The read hot path's lookup: sector id → (volume, offset, length) in the Chronicle Map sector-location index,
 * for a present id, an absent id, and an update. The LMDB read-transaction side of the comparison DESIGN.md asks
 * for lives in {@code io.coffer.benchmarks.store.ManifestStoreBenchmark}.
 *
 * <p>Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar SectorLocationBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SectorLocationBenchmark {
    /** Sectors in the index: 100k ≈ 400 GB of 4 MiB sectors or 400 MB of 4 KiB objects; 1M for a fuller shard. */
    @Param({"100000", "1000000"})
    public int entries;

    Path dir;
    SectorLocationIndex index;
    long[] his;
    long[] los;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("coffer-sector-location-bench");
        index = SectorLocationIndex.open(dir, entries, Collections::emptyIterator);
        SplittableRandom r = new SplittableRandom(1);
        his = new long[entries];
        los = new long[entries];
        for (int i = 0; i < entries; i++) {
            his[i] = r.nextLong();
            los[i] = r.nextLong();
            index.put(new SectorId(his[i], los[i]), new Extent(i & 3, 4096 + 4608L * i, 4112));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        index.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Extent getPresent() {
        int i = ThreadLocalRandom.current().nextInt(entries);
        return index.get(his[i], los[i]);
    }

    @Benchmark
    public Extent getAbsent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return index.get(r.nextLong(), r.nextLong());
    }

    /** Re-points an existing sector (what a migration or a rebuild does); the map does not grow. */
    @Benchmark
    public void putExisting() {
        int i = ThreadLocalRandom.current().nextInt(entries);
        index.put(new SectorId(his[i], los[i]), new Extent(1, 4096 + 4608L * i, 4112));
    }
}
