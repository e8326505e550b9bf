package io.coffer.benchmarks.load;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Flushes the machine's dirty pages (sync(1)) before a timed window, so that no window pays for the
 * writeback of another's writes.
 *
 * <p>Why: with 24 GiB of RAM the kernel keeps gigabytes dirty for up to 30 s. A server that does not
 * fsync (s3proxy's filesystem backend) leaves a PUT workload's bytes in the page cache, and the kernel
 * writes them back during whatever is measured next: in a paired run, often the other server's window,
 * whose fsyncs then queue behind that traffic. An A/B of one Coffer build against itself showed the
 * effect as an order bias on write workloads (session 7, docs/benchmarks.md). The flush itself is not
 * timed; it charges nobody, it only keeps one side's debt off the other's clock.
 */
final class DiskSettle {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private DiskSettle() {
    }

    /** Runs sync and waits for it (bounded); how long it took, or null if sync could not run. */
    static Duration run() throws InterruptedException {
        long t0 = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return null;
        }
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? Duration.ofNanos(System.nanoTime() - t0) : null;
    }
}
