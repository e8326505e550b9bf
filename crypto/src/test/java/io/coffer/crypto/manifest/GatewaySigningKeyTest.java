package io.coffer.crypto.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 8032 section 7.1 Ed25519 vectors through the sign and verify calls manifests use. */
class GatewaySigningKeyTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void rfc8032Test1EmptyMessage() {
        kat("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
                        + "d25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void rfc8032Test2OneByte() {
        kat("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
                        + "387b2eaeb4302aeeb00d291612bb0c00");
    }

    @Test
    void rfc8032Test3TwoBytes() {
        kat("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659"
                        + "4a7c15e9716ed28dc027beceea1ec40a");
    }

    @Test
    void loadOrCreateWritesOwnerOnlyFileAndReloadsSameKey() throws IOException {
        Path file = dir.resolve("keys/gateway-signing.key");
        GatewaySigningKey first = GatewaySigningKey.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        GatewaySigningKey again = GatewaySigningKey.loadOrCreate(file);
        assertEquals(first.publicKey(), again.publicKey());
        byte[] msg = "hello".getBytes();
        assertTrue(again.publicKey().verify(msg, first.sign(msg)));
        assertNotEquals(first.publicKey(), GatewaySigningKey.loadOrCreate(dir.resolve("other.key")).publicKey());
    }

    @Test
    void loadRejectsAFileThatIsNotAKey() throws IOException {
        Path file = dir.resolve("bad.key");
        Files.writeString(file, "not base64 !!\n");
        assertThrows(IOException.class, () -> GatewaySigningKey.load(file));
        Files.writeString(file, "AAAA\n");
        assertThrows(IOException.class, () -> GatewaySigningKey.load(file));
    }

    @Test
    void destroyedKeyRefusesToSign() {
        GatewaySigningKey k = GatewaySigningKey.generate();
        k.destroy();
        assertTrue(k.isDestroyed());
        assertThrows(IllegalStateException.class, () -> k.sign(new byte[1]));
    }

    @Test
    void publicKeyRoundTripsThroughBase64() {
        GatewayPublicKey pk = GatewaySigningKey.generate().publicKey();
        assertEquals(pk, GatewayPublicKey.fromBase64(pk.base64()));
        assertEquals(16, pk.keyIdHex().length());
    }

    private static void kat(String seed, String pub, String msg, String sig) {
        GatewaySigningKey k = GatewaySigningKey.fromSeed(HEX.parseHex(seed));
        assertArrayEquals(HEX.parseHex(pub), k.publicKey().encoded());
        byte[] m = HEX.parseHex(msg);
        assertArrayEquals(HEX.parseHex(sig), k.sign(m));
        GatewayPublicKey verifier = new GatewayPublicKey(HEX.parseHex(pub));
        assertTrue(verifier.verify(m, HEX.parseHex(sig)));
        byte[] bad = HEX.parseHex(sig);
        bad[10] ^= 4;
        assertFalse(verifier.verify(m, bad));
        byte[] longer = java.util.Arrays.copyOf(m, m.length + 1);
        assertFalse(verifier.verify(longer, HEX.parseHex(sig)));
    }
}
