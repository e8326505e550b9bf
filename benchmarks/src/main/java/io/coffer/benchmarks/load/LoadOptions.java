package io.coffer.benchmarks.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of {@link LoadGenerator}. Every workload is bounded twice: by
 * {@code duration} (no new operation starts after it) and by {@code maxOps}.
 *
 * <p>{@code endpoint}, the keys and {@code label} are the first target; {@code peer} is the second
 * one of a paired run (the {@code --peer-*} options, all four or none), or null.
 */
public record LoadOptions(
        URI endpoint,
        String accessKey,
        String secretKey,
        String region,
        List<WorkloadSpec> workloads,
        Duration duration,
        Duration warmup,
        long maxOps,
        Path out,
        String label,
        String bucket,
        String listBucket,
        int listKeys,
        int pageKeys,
        int smallPool,
        Duration populateTimeout,
        long rangeObjectSize,
        long partSize,
        int deleteObjects,
        boolean checksums,
        boolean settleDisk,
        int retries,
        long seed,
        Duration warmPass,
        int repeats,
        long serverPid,
        Target peer) {

    /**
     * One server the generator measures: its label in the result lines, where it is, its keys, and the
     * pid of its process when known (0: not given), whose CPU per operation the results then report.
     */
    public record Target(String label, URI endpoint, String accessKey, String secretKey, long pid) {}

    public static final String DEFAULT_WORKLOADS = String.join(",",
            "put-1m-c1", "put-1m-c8", "put-1m-c32", "get-1m-c1", "get-1m-c8", "get-1m-c32",
            "put-64m-c1", "put-64m-c8", "put-64m-c32", "get-64m-c1", "get-64m-c4", "get-64m-c8", "get-64m-c32",
            "range-1m-c1", "range-1m-c8", "put-4k-c16", "get-4k-c16", "head-4k-c16",
            "list-flat-c1", "list-delim-c1", "mpu-256m-c4", "mpu-1g-c4", "delete-4k-c16");

    public LoadOptions {
        if (endpoint == null || accessKey == null || secretKey == null) {
            throw new IllegalArgumentException("--endpoint, --access-key and --secret-key are required");
        }
        requireLoopback("--endpoint", endpoint);
        if (workloads == null || workloads.isEmpty()) {
            throw new IllegalArgumentException("--workloads is empty");
        }
        workloads = List.copyOf(workloads);
        if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
            throw new IllegalArgumentException("--duration must be > 0 and --warmup >= 0");
        }
        if (maxOps < 1 || listKeys < 1 || listKeys > 10_000_000 || deleteObjects < 1) {
            throw new IllegalArgumentException("--max-ops, --list-keys and --delete-objects must be >= 1 "
                    + "(--list-keys <= 10^7)");
        }
        if (pageKeys < 1 || pageKeys > 1000 || smallPool < 1 || smallPool > 100_000) {
            throw new IllegalArgumentException("--page-keys must be in [1, 1000] and --small-pool in [1, 100000]");
        }
        if (partSize < 5L << 20 || rangeObjectSize < 1 << 20) {
            throw new IllegalArgumentException("--part-size must be >= 5m and --range-object >= 1m");
        }
        if (warmPass.isNegative() || repeats < 1 || repeats > 9) {
            throw new IllegalArgumentException("--warm-pass must be >= 0 and --repeats in [1, 9]");
        }
        if (repeats > 1 && (out == null || !out.toString().contains("{r}"))) {
            // each repeat gets a file of its own, so a report can take medians across them
            throw new IllegalArgumentException("--repeats > 1 needs an --out path containing {r}");
        }
        if (peer != null) {
            requireLoopback("--peer-endpoint", peer.endpoint());
            if (peer.label().equals(label)) {
                throw new IllegalArgumentException("--peer-label must differ from --label, both are '" + label + "'");
            }
            if (out == null || !out.toString().contains("{label}")) {
                // each target gets files of its own, named by its label
                throw new IllegalArgumentException("a paired run (--peer-*) needs an --out path containing {label}");
            }
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("--retries must be in [0, 10]");
        }
        if (listBucket == null || listBucket.isBlank()) {
            listBucket = bucket + "-list-" + listKeys;
        }
    }

    private static void requireLoopback(String option, URI endpoint) {
        if (!"127.0.0.1".equals(endpoint.getHost())) {
            // the benchmark only ever talks to a server on this machine
            throw new IllegalArgumentException(option + " must be on 127.0.0.1, got " + endpoint);
        }
    }

    /** The targets in their order of the warm pass: the first, then the peer when there is one. */
    public List<Target> targets() {
        Target first = new Target(label, endpoint, accessKey, secretKey, serverPid);
        return peer == null ? List.of(first) : List.of(first, peer);
    }

    /** The result file of measured pass {@code repeat} (1-based) of the first target. */
    public Path out(int repeat) {
        return out(repeat, label);
    }

    /** The result file of measured pass {@code repeat} of target {@code label}: --out with {r} and {label} replaced. */
    public Path out(int repeat, String label) {
        return out == null ? null
                : Path.of(out.toString().replace("{r}", Integer.toString(repeat)).replace("{label}", label));
    }

    public static LoadOptions parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + k + "'");
            }
            if (k.equals("--no-checksums") || k.equals("--no-disk-settle")) {
                a.put(k, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            a.put(k, args[++i]);
        }
        List<WorkloadSpec> specs = new ArrayList<>();
        for (String w : a.getOrDefault("--workloads", DEFAULT_WORKLOADS).split(",")) {
            if (!w.isBlank()) {
                specs.add(WorkloadSpec.parse(w));
            }
        }
        String endpoint = a.get("--endpoint");
        List<String> peerOptions = List.of("--peer-endpoint", "--peer-access-key", "--peer-secret-key", "--peer-label");
        long peerGiven = peerOptions.stream().filter(a::containsKey).count();
        if (peerGiven != 0 && peerGiven != peerOptions.size()) {
            throw new IllegalArgumentException(String.join(", ", peerOptions) + " go together: all four or none");
        }
        Target peer = peerGiven == 0 ? null : new Target(a.get("--peer-label"), URI.create(a.get("--peer-endpoint")),
                a.get("--peer-access-key"), a.get("--peer-secret-key"),
                Long.parseLong(a.getOrDefault("--peer-server-pid", "0")));
        if (peer == null && a.containsKey("--peer-server-pid")) {
            throw new IllegalArgumentException("--peer-server-pid needs a paired run (--peer-*)");
        }
        return new LoadOptions(
                endpoint == null ? null : URI.create(endpoint),
                a.get("--access-key"),
                a.get("--secret-key"),
                a.getOrDefault("--region", "us-east-1"),
                specs,
                parseDuration(a.getOrDefault("--duration", "10s")),
                parseDuration(a.getOrDefault("--warmup", "0s")),
                Long.parseLong(a.getOrDefault("--max-ops", "1000000")),
                a.containsKey("--out") ? Path.of(a.get("--out")) : null,
                a.getOrDefault("--label", "server"),
                a.getOrDefault("--bucket", "coffer-bench"),
                a.get("--list-bucket"),
                Integer.parseInt(a.getOrDefault("--list-keys", "10000")),
                Integer.parseInt(a.getOrDefault("--page-keys", "1000")),
                Integer.parseInt(a.getOrDefault("--small-pool", "1000")),
                parseDuration(a.getOrDefault("--populate-timeout", "30m")),
                WorkloadSpec.parseSize(a.getOrDefault("--range-object", "256m")),
                WorkloadSpec.parseSize(a.getOrDefault("--part-size", "8m")),
                Integer.parseInt(a.getOrDefault("--delete-objects", "2000")),
                !a.containsKey("--no-checksums") && !"off".equals(a.get("--checksums")),
                !a.containsKey("--no-disk-settle"),
                Integer.parseInt(a.getOrDefault("--retries", "0")),
                Long.parseLong(a.getOrDefault("--seed", "42")),
                parseDuration(a.getOrDefault("--warm-pass", "0s")),
                Integer.parseInt(a.getOrDefault("--repeats", "1")),
                Long.parseLong(a.getOrDefault("--server-pid", "0")),
                peer);
    }

    /** 500ms, 10s, 5m, 1h, or plain seconds. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char last = t.charAt(t.length() - 1);
            String num = Character.isDigit(last) ? t : t.substring(0, t.length() - 1);
            long v = Long.parseLong(num);
            return switch (last) {
                case 'h' -> Duration.ofHours(v);
                case 'm' -> Duration.ofMinutes(v);
                case 's' -> Duration.ofSeconds(v);
                default -> {
                    if (!Character.isDigit(last)) {
                        throw new IllegalArgumentException("bad duration '" + text + "'");
                    }
                    yield Duration.ofSeconds(v);
                }
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("bad duration '" + text + "'", e);
        }
    }

    public static String usage() {
        return """
                usage: java -cp coffer-benchmarks.jar io.coffer.benchmarks.load.LoadGenerator
                  --endpoint http://127.0.0.1:9000 --access-key AK --secret-key SK [--region us-east-1]
                  [--workloads put-1m-c8,get-1m-c8,...] [--duration 10s] [--warmup 0s] [--max-ops 1000000]
                  [--out results.jsonl] [--label coffer] [--bucket coffer-bench] [--list-bucket NAME]
                  [--list-keys 10000] [--page-keys 1000] [--small-pool 1000] [--populate-timeout 30m] [--range-object 256m] [--part-size 8m]
                  [--delete-objects 2000] [--no-checksums] [--no-disk-settle] [--retries 0] [--seed 42]
                  [--warm-pass 0s] [--repeats 1 (more needs --out with {r}, e.g. out-r{r}.jsonl)]
                  [--peer-endpoint http://127.0.0.1:18080 --peer-access-key AK --peer-secret-key SK
                   --peer-label s3proxy (paired run: all four, and --out with {label}, e.g. {label}-r{r}.jsonl)]
                  [--server-pid PID] [--peer-server-pid PID] (the servers' processes on this machine: the
                   results then give each one's CPU per operation beside the generator's own)
                workloads: <put|get|head|delete|range|mpu>-<size>-c<N>, list-flat-cN, list-delim-cN
                default workloads: """ + DEFAULT_WORKLOADS;
    }
}
