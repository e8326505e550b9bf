package io.coffer.benchmarks.load;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used so far by a process (user + system, all threads), from the operating system's
 * accounting ({@code /proc/<pid>/stat} on Linux, through {@link ProcessHandle}). The load generator
 * reads it before and after each timed window for itself and for the server under test, so each
 * result line says how much CPU one operation cost the client and the server. Why: client and
 * servers share the machine's cores, so throughput ratios between two servers are compressed by the
 * client's own cost per operation; CPU per operation is the comparison that does not depend on it.
 */
final class ProcessCpu {
    private final ProcessHandle process;

    private ProcessCpu(ProcessHandle process) {
        this.process = process;
    }

    /** This JVM. */
    static ProcessCpu self() {
        return new ProcessCpu(ProcessHandle.current());
    }

    /**
     * Process {@code pid}; null for pid 0 (not given) or a process that is gone (a server that died
     * mid-run): its CPU is then unknown, and the workload's errors say what happened.
     */
    static ProcessCpu of(long pid) {
        return pid == 0 ? null : ProcessHandle.of(pid).map(ProcessCpu::new).orElse(null);
    }

    /** Nanoseconds of CPU so far; -1 when the operating system does not say (or the process is gone). */
    long nanos() {
        Optional<Duration> d = process.info().totalCpuDuration();
        return d.map(Duration::toNanos).orElse(-1L);
    }

    /** Microseconds of CPU per operation between two readings; -1 when unknown. */
    static double microsPerOp(long before, long after, long ops) {
        if (before < 0 || after < before || ops <= 0) {
            return -1;
        }
        return (after - before) / 1000.0 / ops;
    }
}
