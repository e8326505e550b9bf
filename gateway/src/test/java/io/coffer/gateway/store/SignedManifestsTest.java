package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.crypto.manifest.Part;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trusted-manifest cache: what this gateway signed, or verified once, is not verified again. */
class SignedManifestsTest {
    private final GatewaySigningKey key = GatewaySigningKey.generate();
    private final ManifestVerifier verifier = ManifestVerifier.of(List.of(key.publicKey()));
    private final SignedManifests manifests = new SignedManifests(new ManifestSigner(key, verifier), 100);

    private static Manifest manifest(String objectKey) {
        return Manifest.builder().bucket("b").key(objectKey).versionId("null").generation(3).size(0)
                .etag("d41d8cd98f00b204e9800998ecf8427e").lastModifiedMillis(1_764_400_000_000L)
                .userMetadata(Map.of("a", "1")).segmentSize(65536).contentId(new byte[16])
                .wrappedKey(new WrappedKey("k1", new byte[40])).parts(List.of(new Part(1, 0, "",
                        List.of(new io.coffer.crypto.manifest.SectorRef(SectorId.random().toBytes(), 16)))))
                .build();
    }

    private static ObjectVersion version(Manifest m, byte[] blob) {
        return new ObjectVersion(m.bucket(), m.key(), m.versionId(), m.generation(), false, m.size(), m.etag(),
                m.lastModifiedMillis(), "STANDARD", List.of(), blob);
    }

    @Test
    void aManifestSignedHereOpensWithoutAnEd25519Verify() {
        Manifest m = manifest("k");
        byte[] blob = manifests.sign(m);
        assertEquals(m, manifests.open(version(m, blob)));
        assertEquals(m, manifests.open(version(m, blob)));
        assertEquals(0, verifier.signatureVerifications());
    }

    @Test
    void aForeignBlobIsVerifiedOnceThenCached() {
        Manifest m = manifest("other");
        byte[] blob = new SignedManifests(new ManifestSigner(key, verifier)).sign(m);
        assertEquals(m, manifests.open(version(m, blob)));
        assertEquals(m, manifests.open(version(m, blob)));
        assertEquals(1, verifier.signatureVerifications());
    }

    @Test
    void aTamperedBlobFailsEvenNextToItsCachedOriginal() {
        Manifest m = manifest("k");
        byte[] blob = manifests.sign(m);
        byte[] tampered = blob.clone();
        tampered[5] ^= 1;
        assertThrows(IntegrityException.class, () -> manifests.open(version(m, tampered)));
    }

    @Test
    void aManifestServedUnderAnotherKeyIsRejected() {
        Manifest m = manifest("k");
        byte[] blob = manifests.sign(m);
        ObjectVersion elsewhere = new ObjectVersion("b", "not-k", "null", 3, false, 0, m.etag(),
                m.lastModifiedMillis(), "STANDARD", List.of(), blob);
        assertThrows(IntegrityException.class, () -> manifests.open(elsewhere));
    }
}
