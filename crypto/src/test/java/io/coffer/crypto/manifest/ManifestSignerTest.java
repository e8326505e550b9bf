package io.coffer.crypto.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.WrappedKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ManifestSignerTest {
    private final GatewaySigningKey key = GatewaySigningKey.generate();
    private final ManifestSigner signer = new ManifestSigner(key);
    private final Manifest manifest = Manifests.sample();

    @Test
    void signThenVerifyReturnsSameManifest() {
        byte[] blob = signer.sign(manifest);
        assertEquals(ManifestCodec.encode(manifest).length + ManifestSigner.TRAILER_LENGTH, blob.length);
        assertEquals(manifest, signer.verifyAndDecode(blob));
        assertEquals(manifest, ManifestVerifier.of(key.publicKey()).verifyAndDecode(blob));
    }

    @Test
    void anyChangedByteIsTamperedManifest() {
        byte[] blob = signer.sign(manifest);
        ManifestVerifier v = ManifestVerifier.of(key.publicKey());
        for (int i = 0; i < blob.length; i++) {
            byte[] t = blob.clone();
            t[i] ^= (byte) (1 << (i % 8));
            expectTampered(() -> v.verifyAndDecode(t));
        }
    }

    @Test
    void truncatedExtendedOrEmptyBlobIsTamperedManifest() {
        byte[] blob = signer.sign(manifest);
        expectTampered(() -> signer.verifyAndDecode(Arrays.copyOf(blob, blob.length - 1)));
        expectTampered(() -> signer.verifyAndDecode(Arrays.copyOf(blob, blob.length + 1)));
        expectTampered(() -> signer.verifyAndDecode(Arrays.copyOf(blob, ManifestSigner.TRAILER_LENGTH)));
        expectTampered(() -> signer.verifyAndDecode(new byte[0]));
        expectTampered(() -> signer.verifyAndDecode(null));
    }

    @Test
    void changingAnyFieldAfterSigningIsTamperedManifest() {
        byte[] blob = signer.sign(manifest);
        List<Manifest> changed = List.of(
                manifest.toBuilder().wrappedKey(new WrappedKey(manifest.keyId(), Manifests.filled(40, 0x12))).build(),
                manifest.toBuilder().etag("other").build(),
                manifest.toBuilder().tags(Map.of("project", "evil")).build(),
                manifest.toBuilder().contentId(Manifests.filled(16, 0xA6)).build());
        for (Manifest m : changed) {
            byte[] other = ManifestCodec.encode(m);
            // the old trailer (key id + signature) on the new encoding
            byte[] forged = Arrays.copyOf(other, other.length + ManifestSigner.TRAILER_LENGTH);
            System.arraycopy(blob, blob.length - ManifestSigner.TRAILER_LENGTH, forged, other.length,
                    ManifestSigner.TRAILER_LENGTH);
            expectTampered(() -> signer.verifyAndDecode(forged));
        }
    }

    @Test
    void manifestFromAnUntrustedGatewayIsTamperedManifest() {
        GatewaySigningKey other = GatewaySigningKey.generate();
        byte[] foreign = new ManifestSigner(other).sign(manifest);
        IntegrityException e = assertThrows(IntegrityException.class, () -> signer.verifyAndDecode(foreign));
        assertEquals(IntegrityException.Kind.TAMPERED_MANIFEST, e.kind());
        assertTrue(e.getMessage().contains("unknown gateway key"));
        // a cluster verifier trusting both gateways accepts both
        ManifestVerifier both = ManifestVerifier.of(List.of(key.publicKey(), other.publicKey()));
        assertEquals(manifest, both.verifyAndDecode(foreign));
        assertEquals(manifest, both.verifyAndDecode(signer.sign(manifest)));
    }

    @Test
    void signatureOverDomainPrefixedMessageNotTheRawEncoding() {
        // a raw Ed25519 signature of the encoding (as some other tool might produce) is not a manifest signature
        byte[] enc = ManifestCodec.encode(manifest);
        byte[] raw = key.sign(enc);
        byte[] blob = Arrays.copyOf(enc, enc.length + ManifestSigner.TRAILER_LENGTH);
        System.arraycopy(key.publicKey().keyId(), 0, blob, enc.length, 8);
        System.arraycopy(raw, 0, blob, enc.length + 8, 64);
        expectTampered(() -> signer.verifyAndDecode(blob));
    }

    @Test
    void cachedVerifierVerifiesEachBlobOnce() {
        ManifestVerifier cached = ManifestVerifier.cached(List.of(key.publicKey()), 2);
        byte[] a = signer.sign(manifest);
        byte[] b = signer.sign(manifest.toBuilder().generation(43).build());
        byte[] c = signer.sign(manifest.toBuilder().generation(44).build());
        assertEquals(manifest, cached.verifyAndDecode(a));
        assertEquals(manifest, cached.verifyAndDecode(a.clone()));
        assertEquals(1, cached.signatureVerifications());
        cached.verifyAndDecode(b);
        cached.verifyAndDecode(c); // evicts a (LRU, 2 entries)
        assertEquals(2, cached.cachedEntries());
        assertEquals(3, cached.signatureVerifications());
        cached.verifyAndDecode(a);
        assertEquals(4, cached.signatureVerifications());
        // a tampered copy of a cached blob is not a cache hit
        byte[] t = a.clone();
        t[5] ^= 1;
        expectTampered(() -> cached.verifyAndDecode(t));
        assertNotEquals(Arrays.toString(ManifestVerifier.digest(a)), Arrays.toString(ManifestVerifier.digest(t)));
    }

    private static void expectTampered(Executable e) {
        assertEquals(IntegrityException.Kind.TAMPERED_MANIFEST, assertThrows(IntegrityException.class, e).kind());
    }
}
