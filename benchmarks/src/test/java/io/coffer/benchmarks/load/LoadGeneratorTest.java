package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the generator against s3proxy (the peer server, started as a child process from the jar
 * the build copies to target/s3proxy: on the classpath its bundled Jetty and AWS SDK would clash
 * with ours), paired against two of them, and against a lying server that answers with the wrong
 * bytes.
 */
class LoadGeneratorTest {
    private static final String AK = "test-access";
    private static final String SK = "test-secret-not-a-real-one";

    static {
        // the SDK logs every request at DEBUG under logback's default configuration
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "coffer-load-logback.xml");
        }
    }

    @TempDir
    static Path dir;

    private static S3proxy s3proxy;
    private static int port;

    /** An s3proxy child process with a data directory and an identity of its own. */
    private record S3proxy(Process process, int port, Path data) {
        static S3proxy start(String name, String accessKey, String secretKey) throws Exception {
            Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
            assertTrue(Files.isRegularFile(jar), "s3proxy jar missing at " + jar + " (the build copies it)");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path data = Files.createDirectories(dir.resolve(name + "-data"));
            Path conf = dir.resolve(name + ".conf");
            Path log = dir.resolve(name + ".log");
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data) + "\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties",
                    conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("LOG_LEVEL", "warn");
            S3proxy server = new S3proxy(pb.start(), port, data);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return server;
                } catch (IOException notYet) {
                    if (!server.process().isAlive() || System.nanoTime() > deadline) {
                        server.stop();
                        throw new AssertionError(name + " did not listen within 120 s: " + Files.readString(log));
                    }
                    Thread.sleep(200);
                }
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @BeforeAll
    static void startS3proxy() throws Exception {
        s3proxy = S3proxy.start("s3proxy", AK, SK);
        port = s3proxy.port();
    }

    @AfterAll
    static void stopS3proxy() throws InterruptedException {
        if (s3proxy != null) {
            s3proxy.stop();
        }
    }

    private static double cpuPerOp(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static Map<String, String> run(String endpoint, Path out, String... extra) throws Exception {
        String[] base = {"--endpoint", endpoint, "--access-key", AK, "--secret-key", SK,
            "--duration", "1s", "--label", "test", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        List<WorkloadResult> results = LoadGenerator.run(LoadOptions.parse(args),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()));
        List<String> lines = Files.readAllLines(out);
        assertEquals(results.size(), lines.size(), "one line per workload in --out");
        assertEquals(String.join("\n", lines), stdout.toString(StandardCharsets.UTF_8).strip());
        return results.stream().collect(Collectors.toMap(r -> r.spec().name(), WorkloadResult::toJson));
    }

    @Test
    void putThenGetAgainstS3proxyVerifyWithoutErrors() throws Exception {
        Map<String, String> r = run("http://127.0.0.1:" + port, dir.resolve("rw.jsonl"),
                "--workloads", "put-1m-c2,get-1m-c2,range-1m-c2,mpu-12m-c2",
                "--range-object", "8m", "--part-size", "5m");
        for (String w : List.of("put-1m-c2", "get-1m-c2", "range-1m-c2", "mpu-12m-c2")) {
            String json = r.get(w);
            assertTrue(json.contains("\"errors\":0,"), json);
            assertTrue(!json.contains("\"mb_s\":0.0,"), "no throughput: " + json);
        }
    }

    @Test
    void warmPassThenRepeatsWriteOneFilePerRepeatAndNoWarmResults() throws Exception {
        String[] args = {"--endpoint", "http://127.0.0.1:" + port, "--access-key", AK, "--secret-key", SK,
            "--duration", "1s", "--warm-pass", "1s", "--repeats", "2", "--label", "rep",
            "--workloads", "put-4k-c2,get-4k-c2", "--small-pool", "10",
            "--out", dir.resolve("rep-r{r}.jsonl").toString()};
        List<WorkloadResult> results = LoadGenerator.run(LoadOptions.parse(args),
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(4, results.size(), "2 workloads x 2 repeats; the warm pass reports nothing");
        for (int r = 1; r <= 2; r++) {
            List<String> lines = Files.readAllLines(dir.resolve("rep-r" + r + ".jsonl"));
            assertEquals(2, lines.size(), "repeat " + r);
            for (String json : lines) {
                assertTrue(json.contains("\"errors\":0,"), json);
            }
        }
        assertFalse(Files.exists(dir.resolve("rep-r3.jsonl")));
    }

    /**
     * Two real servers with different keys (a client that sent one server's requests to the other
     * would be refused): every workload runs against both before the next, the first target first
     * in the warm pass and in odd repeats, the peer first in even ones.
     */
    @Test
    void pairedRunAlternatesTargetsAndWritesOneFilePerTargetAndRepeat() throws Exception {
        String peerAk = "peer-access";
        String peerSk = "peer-secret-not-a-real-one";
        S3proxy peer = S3proxy.start("peer", peerAk, peerSk);
        try {
            String[] args = {"--endpoint", "http://127.0.0.1:" + port, "--access-key", AK, "--secret-key", SK,
                "--label", "one", "--peer-endpoint", "http://127.0.0.1:" + peer.port(), "--peer-access-key", peerAk,
                "--peer-secret-key", peerSk, "--peer-label", "two",
                "--server-pid", Long.toString(s3proxy.process().pid()),
                "--peer-server-pid", Long.toString(peer.process().pid()),
                "--duration", "1s", "--warm-pass", "1s", "--repeats", "3",
                "--workloads", "put-4k-c2,get-4k-c2", "--small-pool", "10",
                "--out", dir.resolve("pair-{label}-r{r}.jsonl").toString()};
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            List<WorkloadResult> results = LoadGenerator.run(LoadOptions.parse(args),
                    new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(log, true, StandardCharsets.UTF_8));

            List<String> ab = List.of("one put-4k-c2", "two put-4k-c2", "one get-4k-c2", "two get-4k-c2");
            List<String> ba = List.of("two put-4k-c2", "one put-4k-c2", "two get-4k-c2", "one get-4k-c2");
            List<String> measured = results.stream().map(r -> r.label() + " " + r.spec().name()).toList();
            assertEquals(Stream.of(ab, ba, ab).flatMap(List::stream).toList(), measured, "repeats 1, 2, 3");
            Matcher warm = Pattern.compile("(?m)^# (\\S+ \\S+): warm pass$")
                    .matcher(log.toString(StandardCharsets.UTF_8));
            assertEquals(ab, warm.results().map(m -> m.group(1)).toList(), "warm pass");

            for (String label : List.of("one", "two")) {
                for (int r = 1; r <= 3; r++) {
                    List<String> lines = Files.readAllLines(dir.resolve("pair-" + label + "-r" + r + ".jsonl"));
                    assertEquals(2, lines.size(), label + " repeat " + r);
                    assertTrue(lines.get(0).startsWith("{\"workload\":\"put-4k-c2\",\"server\":\"" + label + "\""),
                            lines.get(0));
                    assertTrue(lines.get(1).startsWith("{\"workload\":\"get-4k-c2\",\"server\":\"" + label + "\""),
                            lines.get(1));
                    for (String json : lines) {
                        assertTrue(json.contains("\"errors\":0,"), json);
                        assertFalse(json.contains("\"ops\":0,"), json);
                        // each server's CPU per operation, and the generator's own, measured over the window
                        assertTrue(cpuPerOp(json, "server_cpu_us_per_op") > 0, json);
                        assertTrue(cpuPerOp(json, "client_cpu_us_per_op") > 0, json);
                    }
                }
                assertFalse(Files.exists(dir.resolve("pair-" + label + "-r4.jsonl")));
            }
            // the peer's workloads reached the peer: its (fresh) data directory now holds the bucket
            assertTrue(Files.isDirectory(peer.data().resolve("coffer-bench")), "bucket on the peer");
        } finally {
            peer.stop();
        }
    }

    @Test
    void listAndDeleteAgainstS3proxyVerifyWithoutErrors() throws Exception {
        Map<String, String> r = run("http://127.0.0.1:" + port, dir.resolve("list.jsonl"),
                "--workloads", "list-flat-c1,list-delim-c1,delete-4k-c4,head-4k-c2",
                "--list-keys", "120", "--page-keys", "50", "--small-pool", "20", "--delete-objects", "40");
        for (String json : r.values()) {
            assertTrue(json.contains("\"errors\":0,"), json);
            assertTrue(!json.contains("\"ops_s\":0.0,"), "no ops: " + json);
        }
        assertTrue(r.get("list-flat-c1").contains("\"keys_in_bucket\":120"));
    }

    /** A server that answers every GET with zeros and every HEAD with a wrong ETag. */
    @Test
    void fastWrongAnswersCountAsErrorsNotThroughput() throws Exception {
        HttpServer liar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        liar.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            boolean object = path.indexOf('/', 1) > 0;
            ex.getResponseHeaders().set("ETag", "\"00000000000000000000000000000000\"");
            if (!object) {
                ex.sendResponseHeaders(200, -1);
            } else if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", "4096");
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, 4096);
                ex.getResponseBody().write(new byte[4096]);
            }
            ex.close();
        });
        liar.start();
        try {
            Map<String, String> r = run("http://127.0.0.1:" + liar.getAddress().getPort(),
                    dir.resolve("liar.jsonl"), "--workloads", "get-4k-c2,head-4k-c2", "--duration", "500ms",
                    "--small-pool", "5");
            for (String json : r.values()) {
                assertTrue(json.contains("\"ops\":0,"), json);
                assertTrue(!json.contains("\"errors\":0,"), json);
            }
            assertTrue(r.get("get-4k-c2").contains("wrong byte at offset"), r.get("get-4k-c2"));
            assertTrue(r.get("head-4k-c2").contains("ETag"), r.get("head-4k-c2"));
        } finally {
            liar.stop(0);
        }
    }
}
