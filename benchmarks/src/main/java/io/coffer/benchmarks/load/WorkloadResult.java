package io.coffer.benchmarks.load;

import java.util.Locale;

/**
 * The outcome of one workload, printed as one JSON line. Throughput counts only operations that
 * succeeded and whose bytes were verified; MB/s is 10^6 bytes per second.
 */
public record WorkloadResult(
        String label,
        WorkloadSpec spec,
        boolean checksums,
        double seconds,
        long ops,
        long bytes,
        long errors,
        long p50Micros,
        long p99Micros,
        long maxMicros,
        long keysInBucket,
        String firstError,
        double clientCpuMicrosPerOp,
        double serverCpuMicrosPerOp) {

    /** A result without CPU accounting (-1: unknown). */
    public WorkloadResult(String label, WorkloadSpec spec, boolean checksums, double seconds, long ops, long bytes,
                          long errors, long p50Micros, long p99Micros, long maxMicros, long keysInBucket,
                          String firstError) {
        this(label, spec, checksums, seconds, ops, bytes, errors, p50Micros, p99Micros, maxMicros, keysInBucket,
                firstError, -1, -1);
    }

    public WorkloadResult {
        if (seconds < 0 || ops < 0 || bytes < 0 || errors < 0) {
            throw new IllegalArgumentException("negative counter in result of " + spec.name());
        }
    }

    public double opsPerSecond() {
        return seconds > 0 ? ops / seconds : 0;
    }

    public double megabytesPerSecond() {
        return seconds > 0 ? bytes / seconds / 1e6 : 0;
    }

    public String toJson() {
        StringBuilder b = new StringBuilder(320);
        b.append('{');
        str(b, "workload", spec.name()).append(',');
        str(b, "server", label).append(',');
        str(b, "op", spec.op().name().toLowerCase(Locale.ROOT)).append(',');
        num(b, "size", spec.size()).append(',');
        num(b, "concurrency", spec.concurrency()).append(',');
        str(b, "checksums", checksums ? "default" : "off").append(',');
        dec(b, "seconds", seconds, 3).append(',');
        num(b, "ops", ops).append(',');
        num(b, "bytes", bytes).append(',');
        num(b, "errors", errors).append(',');
        dec(b, "mb_s", megabytesPerSecond(), 1).append(',');
        dec(b, "ops_s", opsPerSecond(), 1).append(',');
        dec(b, "p50_ms", p50Micros / 1000.0, 3).append(',');
        dec(b, "p99_ms", p99Micros / 1000.0, 3).append(',');
        dec(b, "max_ms", maxMicros / 1000.0, 3);
        if (keysInBucket > 0) {
            b.append(',');
            num(b, "keys_in_bucket", keysInBucket);
        }
        if (clientCpuMicrosPerOp >= 0) {
            b.append(',');
            dec(b, "client_cpu_us_per_op", clientCpuMicrosPerOp, 1);
        }
        if (serverCpuMicrosPerOp >= 0) {
            b.append(',');
            dec(b, "server_cpu_us_per_op", serverCpuMicrosPerOp, 1);
        }
        if (firstError != null) {
            b.append(',');
            str(b, "first_error", firstError);
        }
        return b.append('}').toString();
    }

    private static StringBuilder str(StringBuilder b, String k, String v) {
        b.append('"').append(k).append("\":\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static StringBuilder num(StringBuilder b, String k, long v) {
        return b.append('"').append(k).append("\":").append(v);
    }

    private static StringBuilder dec(StringBuilder b, String k, double v, int digits) {
        return b.append('"').append(k).append("\":").append(String.format(Locale.ROOT, "%." + digits + "f", v));
    }
}
