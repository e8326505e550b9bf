package io.coffer.gateway.store;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.Part;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs manifests on write and verifies them on read. The signer's verifier should be
 * {@link io.coffer.crypto.manifest.ManifestVerifier#cached}: it remembers verified blobs by SHA-256,
 * so Ed25519 verify is paid once per manifest version, not per GET/HEAD. A verified manifest is
 * also checked against the version the shard returned it under: a shard that answers one object's
 * (validly signed) manifest for another key is caught here.
 */
public final class SignedManifests {
    private final ManifestSigner signer;

    public SignedManifests(ManifestSigner signer) {
        this.signer = signer;
    }

    public byte[] sign(Manifest manifest) {
        return signer.sign(manifest);
    }

    /**
     * The verified manifest of {@code version}.
     *
     * @throws IntegrityException TAMPERED_MANIFEST if the signature fails or the manifest belongs elsewhere
     */
    public Manifest open(ObjectVersion version) {
        Manifest m = signer.verifyAndDecode(version.manifest());
        if (!m.bucket().equals(version.bucket()) || !m.key().equals(version.key())
                || !m.versionId().equals(version.versionId()) || m.size() != version.size()) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest of " + m.bucket() + "/" + m.key() + " v=" + m.versionId()
                            + " stored under " + version.bucket() + "/" + version.key() + " v=" + version.versionId());
        }
        return m;
    }

    public ManifestSigner signer() {
        return signer;
    }

    /** The shard's form of a manifest's sector list (what the version references for space accounting). */
    public static List<SectorRef> shardSectors(Manifest m) {
        List<SectorRef> refs = new ArrayList<>();
        for (Part p : m.parts()) {
            refs.addAll(shardSectors(p.sectors()));
        }
        return refs;
    }

    public static List<SectorRef> shardSectors(List<io.coffer.crypto.manifest.SectorRef> sectors) {
        List<SectorRef> refs = new ArrayList<>(sectors.size());
        for (io.coffer.crypto.manifest.SectorRef s : sectors) {
            refs.add(new SectorRef(SectorId.fromBytes(s.sectorId(), 0), s.length()));
        }
        return refs;
    }

    public static List<io.coffer.crypto.manifest.SectorRef> manifestSectors(List<SectorRef> sectors) {
        List<io.coffer.crypto.manifest.SectorRef> refs = new ArrayList<>(sectors.size());
        for (SectorRef s : sectors) {
            refs.add(new io.coffer.crypto.manifest.SectorRef(s.id().toBytes(), s.length()));
        }
        return refs;
    }
}
