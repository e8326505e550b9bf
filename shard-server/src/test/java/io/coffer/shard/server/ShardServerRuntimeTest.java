package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.wire.ClusterSecret;
import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Micronaut wiring: configuration in, a served shard out, and nothing in other environments. */
class ShardServerRuntimeTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shardEnvironmentOpensTheStoreAndServesItWithAGeneratedLoopbackSecret() throws Exception {
        int port;
        try (ApplicationContext ctx = ApplicationContext.builder().environments(ShardServerRuntime.ENVIRONMENT)
                .properties(Map.of("coffer.data-dir", dir.toString(), "coffer.shard.port", 0, "coffer.fsync", "none",
                        "coffer.cluster-secret", ""))
                .start()) {
            ShardServerRuntime runtime = ctx.getBean(ShardServerRuntime.class);
            port = runtime.server().port();
            Path secretFile = dir.resolve(ClusterSecretSource.FILE_NAME);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
            ClusterSecret secret = ClusterSecret.of(Files.readString(secretFile, StandardCharsets.UTF_8));
            try (RemoteShard shard = RemoteShard.connect("127.0.0.1", port, secret).block(T)) {
                assertEquals(runtime.store().id(), shard.id());
                assertEquals(runtime.store().id(), shard.stats().block(T).shardId());
            }
        }
        // closing the context closed the server: a client now gets UNAVAILABLE
        try (RemoteShard gone = RemoteShard.of("x", "127.0.0.1", port, ClusterSecret.of("0123456789abcdef0123"))) {
            ShardException e = assertThrows(ShardException.class, () -> gone.health().block(T));
            assertEquals(ShardException.Code.UNAVAILABLE, e.code());
        }
    }

    @Test
    void cofferVariablesOfApplicationShardYmlReachTheStore() {
        // the names application-shard.yml reads (COFFER_DATA_DIR, COFFER_SHARD_PORT, COFFER_CLUSTER_SECRET,
        // COFFER_FSYNC, COFFER_TEMP_SECTOR_TTL), given as properties: the child-process crash test sets
        // the same names as real environment variables
        Path data = dir.resolve("configured");
        String secretText = "0123456789abcdef0123456789abcdef";
        try (ApplicationContext ctx = ApplicationContext.builder().environments(ShardServerRuntime.ENVIRONMENT)
                .properties(Map.of("COFFER_DATA_DIR", data.toString(), "COFFER_SHARD_PORT", 0,
                        "COFFER_CLUSTER_SECRET", secretText, "COFFER_FSYNC", "always",
                        "COFFER_TEMP_SECTOR_TTL", "5m"))
                .start()) {
            ShardServerRuntime runtime = ctx.getBean(ShardServerRuntime.class);
            assertEquals(FsyncPolicy.ALWAYS, runtime.store().config().fsyncPolicy());
            assertEquals(Duration.ofMinutes(5), runtime.store().config().temporarySectorTtl());
            assertTrue(Files.isDirectory(data.resolve("meta")), "store not under COFFER_DATA_DIR");
            assertTrue(runtime.server().port() > 0);
            assertFalse(Files.exists(data.resolve(ClusterSecretSource.FILE_NAME)), "configured secret not used");
            try (RemoteShard shard = RemoteShard.connect("127.0.0.1", runtime.server().port(),
                    ClusterSecret.of(secretText)).block(T)) {
                assertEquals(runtime.store().id(), shard.id());
            }
        }
    }

    @Test
    void fsyncPolicyDefaultsToGroupAndAnUnknownOneStopsTheStart() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments(ShardServerRuntime.ENVIRONMENT)
                .properties(Map.of("coffer.data-dir", dir.resolve("a").toString(), "coffer.shard.port", 0))
                .start()) {
            assertEquals(FsyncPolicy.GROUP, ctx.getBean(ShardServerRuntime.class).store().config().fsyncPolicy());
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> ApplicationContext.builder()
                .environments(ShardServerRuntime.ENVIRONMENT)
                .properties(Map.of("coffer.data-dir", dir.resolve("b").toString(), "coffer.shard.port", 0,
                        "coffer.fsync", "sometimes"))
                .start().close());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("unknown fsync policy 'sometimes'"), cause.toString());
    }

    @Test
    void otherEnvironmentsDoNotStartAShard() {
        try (ApplicationContext ctx = ApplicationContext.builder()
                .properties(Map.of("coffer.data-dir", dir.toString(), "coffer.shard.port", 0)).start()) {
            assertFalse(ctx.findBean(ShardServerRuntime.class).isPresent());
        }
        assertFalse(Files.exists(dir.resolve("meta")));
    }

    @Test
    void configuredSecretWinsAndNoFileIsWritten() {
        ClusterSecret s = ClusterSecretSource.resolve("a-configured-secret-of-some-length", "127.0.0.1", dir);
        assertTrue(s.toString().contains("redacted"));
        assertFalse(Files.exists(dir.resolve(ClusterSecretSource.FILE_NAME)));
    }

    @Test
    void nonLoopbackHostWithoutSecretRefusesToStart() {
        assertThrows(IllegalStateException.class, () -> ClusterSecretSource.resolve("", "0.0.0.0", dir));
        assertFalse(Files.exists(dir.resolve(ClusterSecretSource.FILE_NAME)));
    }

    @Test
    void tooShortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClusterSecretSource.resolve("short", "127.0.0.1", dir));
    }

    @Test
    void generatedSecretIsReusedOnRestart() throws Exception {
        ClusterSecretSource.resolve(null, "localhost", dir);
        String first = Files.readString(dir.resolve(ClusterSecretSource.FILE_NAME));
        ClusterSecretSource.resolve(null, "localhost", dir);
        assertEquals(first, Files.readString(dir.resolve(ClusterSecretSource.FILE_NAME)));
        assertEquals(64, first.length());
    }
}
