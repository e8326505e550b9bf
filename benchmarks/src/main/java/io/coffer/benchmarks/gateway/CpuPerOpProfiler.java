package io.coffer.benchmarks.gateway;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time the benchmark JVM spends per operation, on all its threads (the benchmark thread, the
 * shard's store scheduler, GC), without the JIT compiler threads, and what that makes per core:
 * {@code ops/s/core = 1e6 / cpu.us/op}. The JIT's share is reported apart ({@code jit.us/op}).
 *
 * <p>Why: this machine's 2 cores are shared with other jobs (load averages of 5 to 15 are usual), so
 * a request path that hops between threads waits for a CPU slice at every hop and ops/s mostly
 * measures the neighbours; and a starved C2 compiler can still be compiling a minute into the run.
 * CPU per operation is what the "ops/s per core" targets of issue 5 are about, and it moves far less
 * with the load. Compiler threads are recognised by name in {@code /proc/self/task} (Linux); elsewhere
 * the JIT is not separated. Use: {@code -prof io.coffer.benchmarks.gateway.CpuPerOpProfiler}.
 */
public final class CpuPerOpProfiler implements InternalProfiler {
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startCpuNanos;
    private long startJitNanos;

    @Override
    public String getDescription() {
        return "process CPU time per operation (all threads but the JIT's), and the ops/s per core it implies";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startJitNanos = jitCpuNanos();
        startCpuNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = os.getProcessCpuTime() - startCpuNanos;
        long jit = jitCpuNanos() - startJitNanos;
        // all ops, not only measured ones: the CPU window also spans the threads' start and stop
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0 || cpu <= 0) {
            return List.of();
        }
        double usPerOp = Math.max(1, cpu - jit) / 1000.0 / ops;
        List<Result> out = new ArrayList<>();
        out.add(new ScalarResult("cpu.us/op", usPerOp, "us/op", AggregationPolicy.AVG));
        out.add(new ScalarResult("jit.us/op", jit / 1000.0 / ops, "us/op", AggregationPolicy.AVG));
        out.add(new ScalarResult("ops/s/core", 1e6 / usPerOp, "ops/s", AggregationPolicy.AVG));
        return out;
    }

    /** CPU time of the C1/C2 compiler threads so far; 0 where /proc is not there. */
    private static long jitCpuNanos() {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    if (!Files.readString(t.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the ")" that closes the name: state is field 3, utime 14, stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is simply not counted
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * TICK_NANOS;
    }
}
