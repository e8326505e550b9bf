package io.coffer.shard.server;

import io.coffer.shard.wire.ClusterSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a shard's cluster secret comes from. A configured secret (COFFER_CLUSTER_SECRET) always
 * wins. Without one, a shard bound to a loopback address (a single-machine setup) generates a
 * random secret once and keeps it in {@value #FILE_NAME} in its data directory (mode 600), so local
 * gateways can read it; a shard reachable from the network refuses to start, because a guessable
 * or default secret would let anyone on the network write to it.
 */
public final class ClusterSecretSource {
    public static final String FILE_NAME = "cluster-secret";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSecretSource.class);

    private ClusterSecretSource() {
    }

    public static ClusterSecret resolve(String configured, String host, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return ClusterSecret.of(configured);
        }
        if (!isLoopback(host)) {
            throw new IllegalStateException("COFFER_CLUSTER_SECRET (coffer.cluster-secret) is required when the "
                    + "shard listens on a non-loopback address (" + host + ")");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                generate(file);
                LOG.info("no cluster secret configured: generated one in {}", file.toAbsolutePath());
            } else {
                LOG.info("no cluster secret configured: using the one in {}", file.toAbsolutePath());
            }
            return ClusterSecret.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void generate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data directory's own permissions must protect it
            }
            Files.writeString(tmp, HexFormat.of().formatHex(key), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
