package io.coffer.crypto.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.IntegrityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyringTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void loadOrCreateCreatesOwnerOnlyKeyFileOnceAndReloadsIt() throws IOException {
        Path file = dir.resolve("data/master.key");
        MasterKeyring first = MasterKeyring.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        MasterKeyring again = MasterKeyring.loadOrCreate(file);
        assertEquals(text, Files.readString(file), "an existing key file is never rewritten");
        assertEquals(first.currentKeyId(), again.currentKeyId());
        DataKey dek = DataKey.generate();
        assertArrayEquals(dek.bytes(), again.unwrap(first.wrap(dek)).bytes());
        assertFalse(OwnerOnlyFile.isExposed(file));
        assertTrue(first.currentKeyId().matches("mk-[0-9a-f]{16}"));
    }

    @Test
    void concurrentFirstStartsAgreeOnOneKey() throws Exception {
        Path file = dir.resolve("race/master.key");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(pool.submit(() -> {
                    go.await();
                    return MasterKeyring.loadOrCreate(file).currentKeyId();
                }));
            }
            go.countDown();
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> f : ids) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size());
            assertEquals(MasterKeyring.load(file).currentKeyId(), distinct.iterator().next());
            // no temporary files left behind
            try (java.util.stream.Stream<Path> files = Files.list(file.getParent())) {
                assertEquals(List.of(file), files.toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrapIsAesKwUnderHkdfDerivedKek() {
        // pins the construction: KEK = HKDF-SHA256(master, no salt, "coffer-kek-v1" || keyId), AES-KW
        byte[] master = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        MasterKeyring ring = MasterKeyring.of(List.of(master));
        byte[] dek = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        WrappedKey w = ring.wrap(DataKey.of(dek));
        byte[] kek = Hkdf.sha256(master, null,
                ("coffer-kek-v1" + ring.currentKeyId()).getBytes(StandardCharsets.US_ASCII), 32);
        assertArrayEquals(AesKeyWrap.wrap(kek, dek), w.wrapped());
        assertEquals(MasterKeyring.keyIdOf(master), w.keyId());
        // regression pin (computed once): changing any of this makes every stored object unreadable
        assertEquals("mk-807a7423d7c51ff4", w.keyId());
        assertEquals("e7ea1920a0da681711127efca55f398483006fdca0ec2bff88b9684bd3cd6444badef510d384253b",
                HEX.formatHex(w.wrapped()));
    }

    @Test
    void unwrapUnderAnotherMasterKeyFailsWithWrongKey() {
        MasterKeyring a = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        MasterKeyring b = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        WrappedKey w = a.wrap(DataKey.generate());
        IntegrityException e = assertThrows(IntegrityException.class, () -> b.unwrap(w));
        assertEquals(IntegrityException.Kind.WRONG_KEY, e.kind());
        // same wrapped bytes presented under b's key id: the AES-KW check fails
        IntegrityException e2 = assertThrows(IntegrityException.class,
                () -> b.unwrap(new WrappedKey(b.currentKeyId(), w.wrapped())));
        assertEquals(IntegrityException.Kind.WRONG_KEY, e2.kind());
    }

    @Test
    void everyFlippedBitOfAWrappedKeyFailsWithWrongKey() {
        MasterKeyring ring = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        WrappedKey w = ring.wrap(DataKey.generate());
        for (int bit = 0; bit < WrappedKey.LENGTH * 8; bit++) {
            byte[] t = w.wrapped();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            WrappedKey tampered = new WrappedKey(w.keyId(), t);
            assertEquals(IntegrityException.Kind.WRONG_KEY,
                    assertThrows(IntegrityException.class, () -> ring.unwrap(tampered)).kind());
        }
    }

    @Test
    void rotateRewrapsUnderNewKeyWithoutChangingTheDataKey() throws IOException {
        Path file = dir.resolve("master.key");
        MasterKeyring before = MasterKeyring.loadOrCreate(file);
        DataKey dek = DataKey.generate();
        WrappedKey old = before.wrap(dek);

        MasterKeyring after = MasterKeyring.addNewKey(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertNotEquals(before.currentKeyId(), after.currentKeyId());
        assertEquals(List.of(before.currentKeyId(), after.currentKeyId()), after.keyIds());
        // old data keys still unwrap while both keys are in the ring
        assertArrayEquals(dek.bytes(), after.unwrap(old).bytes());

        WrappedKey rewrapped = after.rewrap(old);
        assertEquals(after.currentKeyId(), rewrapped.keyId());
        assertSame(rewrapped, after.rewrap(rewrapped), "already current: nothing to do");

        // once everything is rewrapped the old key can go: keep only the last line
        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, lines.get(lines.size() - 1) + "\n");
        MasterKeyring onlyNew = MasterKeyring.load(file);
        assertArrayEquals(dek.bytes(), onlyNew.unwrap(rewrapped).bytes());
        IntegrityException e = assertThrows(IntegrityException.class, () -> onlyNew.unwrap(old));
        assertEquals(IntegrityException.Kind.WRONG_KEY, e.kind());
        assertTrue(e.getMessage().contains(before.currentKeyId()));
    }

    @Test
    void environmentValueWinsOverTheFile() throws IOException {
        String k = MasterKeyring.newKeyBase64();
        Path file = dir.resolve("master.key");
        assertEquals(MasterKeyring.fromBase64(k).currentKeyId(),
                MasterKeyring.fromEnvironmentOrFile(k, file).currentKeyId());
        assertFalse(Files.exists(file), "no file is created when the key comes from the environment");
        MasterKeyring fromFile = MasterKeyring.fromEnvironmentOrFile("  ", file);
        assertTrue(Files.exists(file));
        assertEquals(fromFile.currentKeyId(), MasterKeyring.fromEnvironmentOrFile(null, file).currentKeyId());
    }

    @Test
    void fromBase64AcceptsSeveralKeysLastIsCurrent() {
        String k1 = MasterKeyring.newKeyBase64();
        String k2 = MasterKeyring.newKeyBase64();
        MasterKeyring ring = MasterKeyring.fromBase64(" " + k1 + ", " + k2 + "\n");
        assertEquals(MasterKeyring.keyIdOf(Base64.getDecoder().decode(k2)), ring.currentKeyId());
        assertTrue(ring.hasKey(MasterKeyring.keyIdOf(Base64.getDecoder().decode(k1))));
        assertEquals(ring.currentKeyId(), MasterKeyring.fromBase64("# comment\n" + k1 + "\n" + k2).currentKeyId());
    }

    @Test
    void fromBase64RejectsBadKeysWithoutEchoingThem() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MasterKeyring.fromBase64(shortKey));
        assertFalse(e.getMessage().contains(shortKey));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyring.fromBase64("@@@not-base64@@@"));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyring.fromBase64(""));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyring.fromBase64(null));
    }

    @Test
    void toStringShowsKeyIdsOnly() {
        String k = MasterKeyring.newKeyBase64();
        MasterKeyring ring = MasterKeyring.fromBase64(k);
        assertFalse(ring.toString().contains(k));
        assertTrue(ring.toString().contains(ring.currentKeyId()));
    }

    @Test
    void kmsWrapNamesTheKmsKeyAndUnwrapsOnlyUnderThatKey() {
        MasterKeyring ring = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        DataKey dek = DataKey.generate();
        WrappedKey w = ring.wrap(dek, "testkey-1");
        assertEquals("kms/" + ring.currentKeyId() + "/testkey-1", w.keyId());
        assertEquals("testkey-1", MasterKeyring.kmsKeyIdOf(w.keyId()));
        assertArrayEquals(dek.bytes(), ring.unwrap(w).bytes());
        // the same data key under another KMS key id is wrapped differently, and a swapped id fails
        WrappedKey other = ring.wrap(dek, "testkey-2");
        assertFalse(java.util.Arrays.equals(w.wrapped(), other.wrapped()));
        assertThrows(IntegrityException.class, () -> ring.unwrap(new WrappedKey(other.keyId(), w.wrapped())));
        assertThrows(IntegrityException.class, () -> ring.unwrap(new WrappedKey(ring.currentKeyId(), w.wrapped())));
    }

    @Test
    void kmsKeyIdsMayContainSlashesLikeArnsAndAliases() {
        MasterKeyring ring = MasterKeyring.fromBase64(MasterKeyring.newKeyBase64());
        String arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        DataKey dek = DataKey.generate();
        WrappedKey w = ring.wrap(dek, arn);
        assertEquals(arn, MasterKeyring.kmsKeyIdOf(w.keyId()));
        assertArrayEquals(dek.bytes(), ring.unwrap(w).bytes());
        assertEquals(null, MasterKeyring.kmsKeyIdOf(ring.wrap(dek).keyId()));
        assertThrows(IllegalArgumentException.class, () -> ring.wrap(dek, ""));
        assertThrows(IllegalArgumentException.class, () -> ring.wrap(dek, "x".repeat(201)));
        assertThrows(IllegalArgumentException.class, () -> ring.wrap(dek, "bad\nid"));
    }

    @Test
    void rewrapMovesKmsWrappedKeyToCurrentMasterKeepingTheKmsKeyId() {
        String oldKey = MasterKeyring.newKeyBase64();
        MasterKeyring before = MasterKeyring.fromBase64(oldKey);
        MasterKeyring after = MasterKeyring.fromBase64(oldKey + "," + MasterKeyring.newKeyBase64());
        DataKey dek = DataKey.generate();
        WrappedKey old = before.wrap(dek, "testkey-1");
        WrappedKey moved = after.rewrap(old);
        assertEquals("kms/" + after.currentKeyId() + "/testkey-1", moved.keyId());
        assertArrayEquals(dek.bytes(), after.unwrap(moved).bytes());
        assertSame(moved, after.rewrap(moved));
    }
}
