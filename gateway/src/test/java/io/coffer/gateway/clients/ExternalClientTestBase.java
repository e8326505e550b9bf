package io.coffer.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.coffer.gateway.GatewayTestBase;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Drives real S3 clients (aws-cli, rclone, restic, s3cmd) as child processes against a gateway on
 * 127.0.0.1. On CI (CI=true) a missing tool fails the test, since .ci/run installs them; on a
 * developer machine without the tool the test is skipped with a message saying how to install it.
 */
public abstract class ExternalClientTestBase extends GatewayTestBase {

    /** What a child process did. */
    public record Run(int exit, String stdout, String stderr) {
        public Run assertOk(String what) {
            assertEquals(0, exit, what + " failed:\nstdout: " + stdout + "\nstderr: " + stderr);
            return this;
        }
    }

    protected static void requireTool(String tool) {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        if (!found) {
            if ("true".equals(System.getenv("CI"))) {
                fail(tool + " is not installed; .ci/run must install it (apt-get install " + tool + ")");
            }
            Assumptions.abort(tool + " is not installed here (apt-get install " + tool + "); CI runs this test");
        }
    }

    protected String endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    /** Runs a command with extra environment, bounded in time; output is captured to files. */
    protected Run run(List<String> command, Map<String, String> env, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("client-out", ".txt");
        Path err = Files.createTempFile("client-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> e = pb.environment();
            // nothing from the developer's own cloud configuration may leak in
            e.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("RCLONE_") || k.startsWith("RESTIC_"));
            e.putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    protected Run run(Path workDir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        return run(List.of(command), env, workDir, Duration.ofMinutes(3));
    }

    /** Writes a file of random bytes (seeded, so a failure reproduces). */
    protected static Path randomFile(Path dir, String name, int size, long seed) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(p, data);
        return p;
    }

    /** Asserts two directory trees hold the same relative paths with the same bytes. */
    protected static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> a = relativeFiles(expected);
        List<Path> b = relativeFiles(actual);
        assertEquals(a, b, "file lists differ");
        for (Path rel : a) {
            assertTrue(Files.mismatch(expected.resolve(rel), actual.resolve(rel)) == -1L, "content differs: " + rel);
        }
    }

    private static List<Path> relativeFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile).map(root::relativize).toList());
            files.sort(null);
            return files;
        }
    }

    protected static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
