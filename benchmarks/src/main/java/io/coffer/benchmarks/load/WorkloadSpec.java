package io.coffer.benchmarks.load;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workload, named on the command line as {@code <op>-<size>-c<concurrency>}: {@code put-1m-c8},
 * {@code get-64m-c32}, {@code range-1m-c8} (1 MiB ranges of a 256 MiB object), {@code head-4k-c16},
 * {@code delete-4k-c16}, {@code mpu-1g-c4} (one 1 GiB multipart upload at a time, 4 parts in
 * flight), and {@code list-flat-c1} / {@code list-delim-c1} (ListObjectsV2 pages of 1,000 keys,
 * without and with a "/" delimiter). Sizes take k/m/g suffixes in binary units (1m = 1 MiB).
 */
public record WorkloadSpec(String name, Op op, long size, int concurrency) {
    private static final Pattern SIZED = Pattern.compile("(put|get|head|delete|range|mpu)-(\\d+)([kmg]?)-c(\\d+)");
    private static final Pattern LIST = Pattern.compile("list-(flat|delim)-c(\\d+)");

    /** The S3 operation a workload repeats. */
    public enum Op { PUT, GET, HEAD, DELETE, RANGE, MPU, LIST_FLAT, LIST_DELIM }

    public WorkloadSpec {
        if (name == null || op == null) {
            throw new IllegalArgumentException("name and op are required");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + name);
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency must be in [1, 256]: " + name);
        }
    }

    public static WorkloadSpec parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZED.matcher(name);
        if (m.matches()) {
            Op op = Op.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            long size = parseSize(m.group(2) + m.group(3));
            return new WorkloadSpec(name, op, size, Integer.parseInt(m.group(4)));
        }
        m = LIST.matcher(name);
        if (m.matches()) {
            Op op = m.group(1).equals("flat") ? Op.LIST_FLAT : Op.LIST_DELIM;
            return new WorkloadSpec(name, op, 0, Integer.parseInt(m.group(2)));
        }
        throw new IllegalArgumentException("unknown workload '" + text + "' (expected e.g. put-1m-c8, "
                + "get-64m-c32, range-1m-c8, head-4k-c16, delete-4k-c16, mpu-1g-c4, list-flat-c1, list-delim-c1)");
    }

    /** Parses 4k, 1m, 256m, 1g, or a plain byte count. */
    public static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            default -> { }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad size '" + text + "'", e);
        }
    }

    /** True for the workloads whose throughput is bytes (the rest report ops/s). */
    public boolean movesBytes() {
        return op == Op.PUT || op == Op.GET || op == Op.RANGE || op == Op.MPU;
    }
}
