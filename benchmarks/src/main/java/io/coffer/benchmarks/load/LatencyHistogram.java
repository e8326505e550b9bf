package io.coffer.benchmarks.load;

/**
 * Log-linear latency histogram in microseconds: 64 sub-buckets per power of two, so any percentile
 * is within 1/64 (1.6 %) of the true value, in 32 KiB whatever the number of samples. HdrHistogram
 * is only a runtime dependency of Micronaut's metrics here, so this small one keeps the load
 * generator free of it. One per worker (not thread-safe); {@link #add} merges them.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[(64 - SUB_BITS + 1) * SUB];
    private long total;
    private long max;

    public void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    public long maxMicros() {
        return max;
    }

    /** The value at quantile {@code q} in [0, 1] (upper edge of its bucket, capped at the max). */
    public long percentileMicros(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile out of [0, 1]: " + q);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), max);
            }
        }
        return max;
    }

    // values below SUB map 1:1; above, bucket = (exponent, top SUB_BITS bits below the leading one)
    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exp - SUB_BITS;
        int sub = (int) ((v >>> shift) & (SUB - 1));
        return (shift + 1) * SUB + sub;
    }

    static long upperEdge(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long sub = index % SUB;
        long low = (SUB + sub) << shift;
        return low + (1L << shift) - 1;
    }
}
