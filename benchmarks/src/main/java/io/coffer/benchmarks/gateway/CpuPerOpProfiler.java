package io.coffer.benchmarks.gateway;

import java.lang.management.ManagementFactory;
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
 * shard's store scheduler, GC, JIT), and what that makes per core: {@code 1e6 / cpu.us/op}.
 *
 * <p>Why: this machine's 2 cores are shared with other jobs (load averages of 5 to 12 are usual), so
 * a request path that hops between threads waits for a CPU slice at every hop and ops/s mostly
 * measures the neighbours. CPU per operation is what the "ops/s per core" targets of issue 5 are
 * about, and it barely moves with the load. Use: {@code -prof io.coffer.benchmarks.gateway.CpuPerOpProfiler}.
 */
public final class CpuPerOpProfiler implements InternalProfiler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startCpuNanos;

    @Override
    public String getDescription() {
        return "process CPU time per operation (all threads), and the ops/s per core it implies";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpuNanos = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = os.getProcessCpuTime() - startCpuNanos;
        // all ops, not only measured ones: the CPU window also spans the threads' start and stop
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0 || cpu <= 0) {
            return List.of();
        }
        double usPerOp = cpu / 1000.0 / ops;
        return List.of(
                new ScalarResult("cpu.us/op", usPerOp, "us/op", AggregationPolicy.AVG),
                new ScalarResult("ops/s/core", 1e6 / usPerOp, "ops/s", AggregationPolicy.AVG));
    }
}
