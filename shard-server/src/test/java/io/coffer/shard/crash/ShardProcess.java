package io.coffer.shard.crash;

import io.coffer.shard.ShardServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shard server running in a child JVM ({@link ShardServerMain} on the test classpath, with the JVM
 * flags this test JVM was started with), so a test can kill it for real.
 */
final class ShardProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ([^:\\s]+):(\\d+)");

    private final Process process;
    private final Deque<String> lastLines = new ConcurrentLinkedDeque<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread pump;

    private ShardProcess(Process process) {
        this.process = process;
        this.pump = new Thread(this::pump, "shard-child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts a shard on 127.0.0.1 with a free port; {@code env} adds COFFER_* settings. */
    static ShardProcess start(Path dataDir, String secret, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the root pom's jvm.flags (lmdbjava, Chronicle Map) and the leak detection level
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dio.netty")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ShardServerMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("COFFER_DATA_DIR", dataDir.toString());
        pb.environment().put("COFFER_SHARD_HOST", "127.0.0.1");
        pb.environment().put("COFFER_SHARD_PORT", "0");
        pb.environment().put("COFFER_CLUSTER_SECRET", secret);
        pb.environment().putAll(env);
        return new ShardProcess(pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lastLines.addLast(line);
                while (lastLines.size() > 200) {
                    lastLines.pollFirst();
                }
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.find()) {
                    port.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException e) {
            // the child died; its exit is observed elsewhere
        }
        port.completeExceptionally(new IllegalStateException("shard exited before listening:\n" + output()));
    }

    /** Waits until the child reports its port. */
    int awaitPort(long seconds) throws Exception {
        try {
            return port.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("shard did not start within " + seconds + " s:\n" + output(), e);
        }
    }

    String output() {
        return String.join("\n", lastLines);
    }

    /** SIGKILL: no shutdown hook, no close, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, letting the shutdown hook close the store; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(5_000); // read the child's last lines
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
