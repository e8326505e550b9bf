package io.coffer.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Black-box S3 load generator (issue 5): runs each workload against one endpoint (or two, paired)
 * with the AWS SDK for Java v2, verifies every byte it reads back, and prints one JSON line per
 * workload to stdout and to {@code --out}. Progress goes to stderr. Exit status: 0, or 3 when any
 * workload counted errors, or 2 for bad arguments.
 *
 * <pre>
 * java -cp benchmarks/target/coffer-benchmarks.jar io.coffer.benchmarks.load.LoadGenerator \
 *   --endpoint http://127.0.0.1:9000 --access-key AK --secret-key SK --region us-east-1 \
 *   --workloads put-1m-c8,get-1m-c8 --duration 10s --out results.jsonl
 * </pre>
 *
 * <p><b>Paired run.</b> With {@code --peer-endpoint/--peer-access-key/--peer-secret-key/--peer-label}
 * it holds a second client for a second server and runs each workload against both back to back
 * before the next workload, the first target first in the warm pass and in odd repeats, the peer
 * first in even ones; each line goes to its own target's file ({@code {label}} in {@code --out}).
 * Why: on a shared machine the load of other jobs drifts from minute to minute, and two servers
 * measured seconds apart see nearly the same drift (docs/decisions/benchmark-paired-runs.md).
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            // keep the SDK's debug logging out of the result stream (gateway brings logback along)
            System.setProperty("logback.configurationFile", "coffer-load-logback.xml");
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(LoadOptions.usage());
            System.exit(2);
            return;
        }
        List<WorkloadResult> results = run(options, System.out, System.err);
        boolean errors = results.stream().anyMatch(r -> r.errors() > 0);
        System.exit(errors ? 3 : 0);
    }

    /** One target's client and the workloads that use it. */
    private record Side(LoadOptions.Target target, S3Client s3, Workloads workloads) {}

    /**
     * Runs every workload in order, first once untimed for {@code --warm-pass} each (when set), then
     * {@code --repeats} measured passes in this one JVM; each result line is written as soon as it is
     * known, pass {@code r} of target {@code t} to {@link LoadOptions#out(int, String)}. In a paired
     * run each workload runs against both targets before the next one, in the order the class
     * comment gives. Returns the results in the order they were measured.
     *
     * <p>Why a warm pass and one JVM: on a 2-core machine a fresh client JVM and a server that has
     * not yet compiled a workload's code path spend seconds in their JIT compilers, which share the
     * cores with the work being measured; a few seconds per workload is then mostly warm-up.
     */
    public static List<WorkloadResult> run(LoadOptions options, PrintStream out, PrintStream log)
            throws IOException, InterruptedException {
        int maxConcurrency = options.workloads().stream().mapToInt(WorkloadSpec::concurrency).max().orElse(1);
        List<WorkloadResult> results = new ArrayList<>();
        List<Side> sides = new ArrayList<>();
        try {
            for (LoadOptions.Target t : options.targets()) {
                S3Client s3 = S3ClientFactory.create(options, t, Math.max(64, maxConcurrency * 2));
                sides.add(new Side(t, s3, new Workloads(options, new ObjectStore(s3, options.seed()))));
            }
            if (!options.warmPass().isZero()) {
                for (WorkloadSpec spec : options.workloads()) {
                    for (Side side : sides) {
                        log.println("# " + side.target().label() + " " + spec.name() + ": warm pass");
                        WorkloadResult r = runOne(options, side, spec, options.warmPass(), log);
                        log.println("# warm pass (not a result): " + r.toJson());
                    }
                }
            }
            for (int repeat = 1; repeat <= options.repeats(); repeat++) {
                List<Side> order = new ArrayList<>(sides);
                if (repeat % 2 == 0) {
                    Collections.reverse(order); // slow drift of the machine's load then cancels
                }
                for (WorkloadSpec spec : options.workloads()) {
                    for (Side side : order) {
                        String label = side.target().label();
                        log.println("# " + label + " " + spec.name() + ": preparing (repeat " + repeat + ")");
                        WorkloadResult r = runOne(options, side, spec, options.duration(), log);
                        String line = r.toJson();
                        out.println(line);
                        out.flush();
                        Path path = options.out(repeat, label);
                        if (path != null) {
                            Files.writeString(path, line + "\n", StandardCharsets.UTF_8,
                                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        results.add(r);
                    }
                }
            }
        } finally {
            for (Side side : sides) {
                side.s3().close();
            }
        }
        return results;
    }

    private static WorkloadResult runOne(LoadOptions o, Side side, WorkloadSpec spec, Duration duration,
            PrintStream log)
            throws InterruptedException {
        String label = side.target().label();
        Workloads.Prepared p;
        try {
            p = side.workloads().prepare(spec);
        } catch (Exception e) {
            // a server that cannot even be populated gets a result line that says so, not a crash
            return new WorkloadResult(label, spec, o.checksums(), 0, 0, 0, 1, 0, 0, 0, 0,
                    "prepare: " + WorkloadRunner.describe(e));
        }
        try {
            if (p.warmup() && !o.warmup().isZero()) {
                log.println("# " + label + " " + spec.name() + ": warming up " + o.warmup().toSeconds() + " s");
                WorkloadRunner.run(p.concurrency(), o.warmup(), p.maxOps(), o.seed() + 1, p.op());
            }
            if (o.settleDisk()) {
                Duration settled = DiskSettle.run();
                log.println("# " + label + " " + spec.name() + ": dirty pages flushed before the window "
                        + (settled == null ? "(sync failed)" : "in " + settled.toMillis() + " ms"));
            }
            log.println("# " + label + " " + spec.name() + ": running");
            ProcessCpu client = ProcessCpu.self();
            ProcessCpu server = ProcessCpu.of(side.target().pid());
            long client0 = client.nanos();
            long server0 = server == null ? -1 : server.nanos();
            WorkloadRunner.Tally t = WorkloadRunner.run(p.concurrency(), duration, p.maxOps(), o.seed(), p.op());
            // read right after the window: the after-check below is not part of it
            long client1 = client.nanos();
            long server1 = server == null ? -1 : server.nanos();
            long errors = t.errors();
            String first = t.firstError();
            List<String> late;
            try {
                late = p.check().run();
            } catch (Exception e) {
                late = List.of("after-check: " + WorkloadRunner.describe(e));
            }
            errors += late.size();
            if (first == null && !late.isEmpty()) {
                first = late.get(0);
            }
            LatencyHistogram h = t.latency();
            return new WorkloadResult(label, spec, o.checksums(), t.seconds(), t.ops(), t.bytes(), errors,
                    h.percentileMicros(0.50), h.percentileMicros(0.99), h.maxMicros(), p.keysInBucket(), first,
                    ProcessCpu.microsPerOp(client0, client1, t.ops()),
                    ProcessCpu.microsPerOp(server0, server1, t.ops()));
        } finally {
            if (p.resources() != null) {
                try {
                    p.resources().close();
                } catch (Exception e) {
                    log.println("# closing " + spec.name() + ": " + WorkloadRunner.describe(e));
                }
            }
        }
    }
}
