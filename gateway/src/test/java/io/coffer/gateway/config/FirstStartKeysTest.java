package io.coffer.gateway.config;

import io.coffer.gateway.GatewayTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first start of an embedded gateway on an empty data directory generates the master key and
 * the manifest signing key under {@code <data>/keys}, readable by the owner only: whoever can read
 * them can read (or forge) every object.
 */
class FirstStartKeysTest extends GatewayTestBase {
    @Override
    protected Map<String, Object> extraConfig() {
        // its own gateway, so the data directory is certainly fresh
        return Map.of("coffer.max-concurrent-requests", 64);
    }

    @Test
    void keysAreGeneratedOwnerOnlyOnTheFirstStart() throws Exception {
        for (String name : new String[] {"master.keys", "gateway-signing.key"}) {
            Path file = dataDir.resolve("keys").resolve(name);
            assertTrue(Files.isRegularFile(file), file + " missing");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), name);
            assertTrue(Files.size(file) > 0, name + " is empty");
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("keys"))),
                "keys directory");
    }
}
