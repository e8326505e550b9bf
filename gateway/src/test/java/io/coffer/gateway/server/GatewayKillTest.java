package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.coffer.gateway.GatewayMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The embedded gateway (group commit, as shipped) runs in a child JVM while 16 AWS SDK clients PUT
 * objects into it, mostly small ones (the one-commit path) and some of 200 KiB (streamed into
 * sectors); it is killed with SIGKILL mid-traffic, twice, and restarted on the same data directory.
 * Every PUT the SDK saw acknowledged must then read back byte for byte; a PUT that was in flight may
 * be absent or whole, never anything else (a GET decrypts and checks every byte).
 */
class GatewayKillTest {
    private static final String ACCESS = "CFKILLTESTACCESSKEY1";
    private static final String SECRET = "kill/test/secret/key/0123456789abcdefghij";
    private static final Pattern ENDPOINT = Pattern.compile("Coffer S3 endpoint:\\s+http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedPutsSurviveKillDashNineOfTheGateway() throws Exception {
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Set<Integer> started = ConcurrentHashMap.newKeySet();
        int next = 0;
        for (int round = 0; round < 2; round++) {
            Child gateway = start();
            try (S3Client s3 = client(gateway.port)) {
                if (round == 0) {
                    s3.createBucket(b -> b.bucket("crash"));
                } else {
                    verify(s3, acked, started);
                }
                next = writeUntilKilled(s3, gateway, next, 150 + round * 100, started, acked);
            }
        }
        Child gateway = start();
        try (S3Client s3 = client(gateway.port)) {
            verify(s3, acked, started);
            // and it takes new writes
            byte[] again = content(1_000_000);
            s3.putObject(b -> b.bucket("crash").key("after"), RequestBody.fromBytes(again));
            assertArrayEquals(again, s3.getObjectAsBytes(b -> b.bucket("crash").key("after")).asByteArray());
        } finally {
            gateway.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** PUTs objects from {@code first} on with 16 threads; kills the gateway once {@code killAfter} are acknowledged. */
    private static int writeUntilKilled(S3Client s3, Child gateway, int first, int killAfter, Set<Integer> started,
                                        Set<Integer> acked) throws Exception {
        int before = acked.size();
        AtomicBoolean killed = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(first);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int t = 0; t < 16; t++) {
            pool.submit(() -> {
                while (!killed.get() && System.nanoTime() < deadline) {
                    int n = next.getAndIncrement();
                    byte[] body = content(n);
                    started.add(n);
                    try {
                        s3.putObject(b -> b.bucket("crash").key(key(n)), RequestBody.fromBytes(body));
                        acked.add(n);
                    } catch (RuntimeException e) {
                        if (!killed.get()) {
                            throw e;
                        }
                    }
                    if (acked.size() - before >= killAfter && killed.compareAndSet(false, true)) {
                        gateway.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(150, TimeUnit.SECONDS), "writers did not stop");
        assertTrue(killed.get(), "only " + (acked.size() - before) + " PUTs acknowledged before the deadline");
        assertTrue(gateway.process.waitFor(30, TimeUnit.SECONDS));
        return next.get();
    }

    private static void verify(S3Client s3, Set<Integer> acked, Set<Integer> started) {
        System.out.printf("after kill -9: %d PUTs acknowledged, %d in doubt%n", acked.size(),
                started.size() - acked.size());
        for (int n : acked) {
            byte[] got = s3.getObjectAsBytes(b -> b.bucket("crash").key(key(n))).asByteArray();
            assertArrayEquals(content(n), got, "acknowledged object " + n);
        }
        for (int n : started) {
            if (!acked.contains(n)) {
                try {
                    assertArrayEquals(content(n), s3.getObjectAsBytes(b -> b.bucket("crash").key(key(n))).asByteArray(),
                            "in-doubt object " + n);
                } catch (NoSuchKeyException absent) {
                    // never acknowledged, never committed: fine
                }
            }
        }
    }

    /** Object n: mostly 1 B to 60 KiB (the small-object path), every seventh 200 KiB (streamed). */
    static byte[] content(int n) {
        Random r = new Random(n * 7919L + 3);
        byte[] b = new byte[n % 7 == 0 ? 200 * 1024 : 1 + r.nextInt(60 * 1024)];
        r.nextBytes(b);
        return b;
    }

    private static String key(int n) {
        return "obj/" + n;
    }

    private record Child(Process process, int port) {
    }

    private Child start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dio.netty")) {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GatewayMain.class.getName());
        command.add("--coffer.data-dir=" + dataDir);
        command.add("--coffer.bind-host=127.0.0.1");
        command.add("--coffer.s3-port=0");
        command.add("--coffer.fsync=group");
        command.add("--coffer.shard.test-sizing=true");
        command.add("--coffer.root-access-key=" + ACCESS);
        command.add("--coffer.root-secret-key=" + SECRET);
        command.add("--micronaut.server.port=-1");
        command.add("--micronaut.server.host=127.0.0.1");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = ENDPOINT.matcher(line);
            if (m.find()) {
                // keep draining its output so the child never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException ignored) {
                        // the child died
                    }
                }, "gateway-output");
                drain.setDaemon(true);
                drain.start();
                return new Child(p, Integer.parseInt(m.group(1)));
            }
        }
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("gateway did not start:\n" + seen);
        return null;
    }

    private static S3Client client(int port) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
                .httpClient(ApacheHttpClient.builder().maxConnections(32).build())
                .build();
    }
}
