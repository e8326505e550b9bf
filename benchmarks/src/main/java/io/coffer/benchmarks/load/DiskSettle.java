package io.coffer.benchmarks.load;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Flushes the machine's dirty pages (sync(1)) before a timed window, so that no window can pay for the
 * writeback of another's writes: a server that does not fsync (s3proxy's filesystem backend) leaves
 * its PUT bytes for the kernel to write back later, possibly during the next window, the other
 * server's. The flush is not timed and charges nobody; its duration is logged, which tells whether
 * there was anything to flush.
 *
 * <p>Measured on the project's machine (session 7): every flush before a window took 3–45 ms, so
 * writeback was not in fact crossing windows there (the workloads overwrite and delete a bounded set
 * of keys, and s3proxy's replaced files lose their dirty pages unwritten). It stays as a guarantee for
 * machines and workloads where it would, at the cost of a few milliseconds per window.
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
