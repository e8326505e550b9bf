package io.coffer.gateway.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Users against a real ShardStore's control store; each test uses its own data directory for keys. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserStoreTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private ShardStore store;
    private int runs;

    @BeforeAll
    void open() {
        store = ShardStore.open(dir.resolve("shard"), ShardConfig.forTests());
    }

    @AfterAll
    void close() {
        store.close();
    }

    private GatewayConfig config(Path dataDir, String access, String secret) {
        GatewayConfig c = new GatewayConfig();
        c.setDataDir(dataDir.toString());
        c.setRootAccessKey(access);
        c.setRootSecretKey(secret);
        return c;
    }

    private UserStore users(GatewayConfig c) throws Exception {
        MasterKeyring ring = MasterKeyring.loadOrCreate(c.dataPath().resolve("keys").resolve("master.keys"));
        return new UserStore(store, ring, c);
    }

    /** Each test gets a fresh data directory but shares the (expensive) store, so it clears users first. */
    private Path freshDataDir() throws Exception {
        store.scan("user/").map(e -> e.getKey()).concatMap(store::delete).then().block(T);
        return Files.createDirectories(dir.resolve("data-" + (++runs)));
    }

    @Test
    void rootKeyIsGeneratedOnceIntoAnOwnerOnlyFileAndReadBack() throws Exception {
        Path data = freshDataDir();
        UserStore first = users(config(data, null, null));
        UserStore.RootKey root = first.rootKey();
        assertNotNull(root.secretKey(), "a generated secret is handed out once");
        Path file = data.resolve("keys/root.credentials");
        assertEquals(file, root.file());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).contains(root.secretKey()));
        assertEquals(root.secretKey(), first.lookup(root.accessKey()).orElseThrow().secretKey());

        UserStore again = users(config(data, null, null));
        assertEquals(root.accessKey(), again.rootKey().accessKey());
        assertNull(again.rootKey().secretKey(), "not shown again on a later start");
        assertEquals(root.secretKey(), again.lookup(root.accessKey()).orElseThrow().secretKey());
        assertEquals(first.rootUser().id(), again.rootUser().id());
    }

    @Test
    void secretsAreSealedAtRest() throws Exception {
        Path data = freshDataDir();
        UserStore users = users(config(data, "CFROOTROOTROOTROOT00", "root-secret-root-secret-root-secret-0000"));
        UserStore.NewUser bob = users.create("bob").block(T);
        byte[] stored = store.get("user/" + bob.user().accessKey()).block(T).orElseThrow();
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(bob.secretKey()), "the secret is not stored in clear");
        byte[] rootRecord = store.get("user/CFROOTROOTROOTROOT00").block(T).orElseThrow();
        assertFalse(new String(rootRecord, StandardCharsets.ISO_8859_1).contains("root-secret-root-secret"));
        // and it opens again after a restart
        UserStore restarted = users(config(data, "CFROOTROOTROOTROOT00", "root-secret-root-secret-root-secret-0000"));
        assertEquals(bob.secretKey(), restarted.lookup(bob.user().accessKey()).orElseThrow().secretKey());
        assertEquals("bob", restarted.user(bob.user().accessKey()).orElseThrow().displayName());
    }

    @Test
    void aSealedSecretMovedToAnotherAccessKeyDoesNotOpen() throws Exception {
        Path data = freshDataDir();
        MasterKeyring ring = MasterKeyring.loadOrCreate(data.resolve("keys/master.keys"));
        SecretSealer sealer = new SecretSealer(ring);
        SecretSealer.Sealed sealed = sealer.seal("CFAAAA", "s3cr3t");
        assertEquals("s3cr3t", sealer.open("CFAAAA", sealed));
        assertThrows(IllegalStateException.class, () -> sealer.open("CFBBBB", sealed));
    }

    @Test
    void configuredRootReplacesThePreviousRootKeyButKeepsItsId() throws Exception {
        Path data = freshDataDir();
        UserStore generated = users(config(data, null, null));
        String oldKey = generated.rootKey().accessKey();
        String rootId = generated.rootUser().id();
        UserStore configured = users(config(data, "CFCONFIGUREDROOT0000", "configured-secret-configured-secret-0000"));
        assertTrue(configured.rootKey().fromConfig());
        assertEquals(Optional.empty(), configured.lookup(oldKey), "the old root key no longer works");
        assertEquals(rootId, configured.rootUser().id(), "bucket ownership survives a root key change");
        assertTrue(configured.rootUser().root());
    }

    @Test
    void usersAreCreatedListedAndDeletedButRootCannotBe() throws Exception {
        Path data = freshDataDir();
        UserStore users = users(config(data, "CFROOTROOTROOTROOT01", "root-secret-root-secret-root-secret-0001"));
        UserStore.NewUser a = users.create("alice").block(T);
        UserStore.NewUser b = users.create("bob").block(T);
        assertNotEquals(a.user().accessKey(), b.user().accessKey());
        assertNotEquals(a.user().id(), b.user().id());
        assertEquals(64, a.user().id().length());
        assertEquals(3, users.list().size());
        assertTrue(users.delete(a.user().accessKey()).block(T));
        assertFalse(users.delete(a.user().accessKey()).block(T));
        assertEquals(Optional.empty(), users.lookup(a.user().accessKey()));
        assertThrows(IllegalArgumentException.class, () -> users.delete("CFROOTROOTROOTROOT01").block(T));
        assertThrows(IllegalArgumentException.class, () -> users.create(" ").block(T));
        assertFalse(a.toString().contains(a.secretKey()), "toString never shows the secret");
    }

    @Test
    void halfConfiguredRootIsRefused() throws Exception {
        Path data = freshDataDir();
        assertThrows(IllegalArgumentException.class, () -> users(config(data, "CFONLYACCESS", null)));
    }

    @Test
    void anUnreadableRecordIsSkippedNotFatal() throws Exception {
        Path data = freshDataDir();
        store.put("user/CFBROKEN", "format=1\nid=x\n".getBytes(StandardCharsets.UTF_8)).block(T);
        UserStore users = users(config(data, "CFROOTROOTROOTROOT02", "root-secret-root-secret-root-secret-0002"));
        assertEquals(Optional.empty(), users.lookup("CFBROKEN"));
        assertTrue(users.lookup("CFROOTROOTROOTROOT02").isPresent());
    }
}
