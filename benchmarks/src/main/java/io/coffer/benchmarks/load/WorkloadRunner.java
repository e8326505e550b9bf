package io.coffer.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one operation from {@code concurrency} threads until the deadline or the op budget,
 * whichever comes first. An operation already started when the deadline passes runs to its end
 * (the SDK's call timeout bounds it), and the elapsed time includes it.
 */
public final class WorkloadRunner {

    /** One operation; returns the payload bytes it moved and verified. */
    @FunctionalInterface
    public interface Operation {
        long run(Worker worker) throws Exception;
    }

    /** Per-thread state: index, its own random, its verifier buffers and an op counter. */
    public static final class Worker {
        final int index;
        final SplittableRandom random;
        final PayloadVerifier verifier = new PayloadVerifier();
        long sequence;
        Object state;

        Worker(int index, long seed) {
            this.index = index;
            this.random = new SplittableRandom(seed * 1_000_003L + index);
        }

        public int index() {
            return index;
        }
    }

    /** Counters of one phase. */
    public record Tally(double seconds, long ops, long bytes, long errors, LatencyHistogram latency,
                        String firstError) {}

    private WorkloadRunner() {}

    public static Tally run(int concurrency, Duration duration, long maxOps, long seed, Operation op)
            throws InterruptedException {
        AtomicLong budget = new AtomicLong(maxOps);
        AtomicLong ops = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        LatencyHistogram[] histograms = new LatencyHistogram[concurrency];
        List<Thread> threads = new ArrayList<>(concurrency);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        for (int t = 0; t < concurrency; t++) {
            LatencyHistogram h = new LatencyHistogram();
            histograms[t] = h;
            Worker w = new Worker(t, seed);
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                    long t0 = System.nanoTime();
                    try {
                        long moved = op.run(w);
                        h.record((System.nanoTime() - t0) / 1000);
                        ops.incrementAndGet();
                        bytes.addAndGet(moved);
                    } catch (Exception | AssertionError e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, describe(e));
                    } finally {
                        w.sequence++;
                    }
                }
            }, "load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencyHistogram all = new LatencyHistogram();
        for (LatencyHistogram h : histograms) {
            all.add(h);
        }
        return new Tally(seconds, ops.get(), bytes.get(), errors.get(), all, firstError.get());
    }

    /** Exception class and message, one line, bounded; never request headers (they carry signatures). */
    static String describe(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        m = m.replaceAll("\\s+", " ");
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }
}
