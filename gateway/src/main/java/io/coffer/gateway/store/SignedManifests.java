package io.coffer.gateway.store;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.ManifestCodec;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.crypto.manifest.Part;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs manifests on write and verifies them on read, so that Ed25519 verify is paid at most once
 * per manifest version, not per GET/HEAD.
 *
 * <p>With {@code cacheEntries > 0} this class keeps the cache of trusted manifests, keyed by the
 * SHA-256 of the signed blob (give the signer an uncached verifier then): a blob verified once is
 * recognised by its digest, and a blob signed here enters the cache when it is signed, since its
 * signature is this gateway's own over exactly those bytes. So the first GET after a PUT costs a
 * digest instead of an Ed25519 verify (~0.1 ms of CPU). With 0 the signer's verifier does all the
 * checking (it should be {@link ManifestVerifier#cached}).
 *
 * <p>A verified manifest is also checked against the version the shard returned it under: a shard
 * that answers one object's (validly signed) manifest for another key is caught here.
 */
public final class SignedManifests {
    private final ManifestSigner signer;
    private final Map<ByteBuffer, Manifest> trusted;

    /** Verification and its cache left to {@code signer}'s verifier. */
    public SignedManifests(ManifestSigner signer) {
        this(signer, 0);
    }

    /** @param cacheEntries trusted manifests remembered here (LRU); 0 for none */
    public SignedManifests(ManifestSigner signer, int cacheEntries) {
        this.signer = signer;
        this.trusted = cacheEntries <= 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Manifest> eldest) {
                return size() > cacheEntries;
            }
        };
    }

    public byte[] sign(Manifest manifest) {
        byte[] blob = signer.sign(manifest);
        if (trusted != null) {
            // what a reader will decode from these bytes, so a cached answer is exactly a verified one
            Manifest decoded = ManifestCodec.decode(blob, 0, blob.length - ManifestSigner.TRAILER_LENGTH);
            remember(ByteBuffer.wrap(ManifestVerifier.digest(blob)), decoded);
        }
        return blob;
    }

    /**
     * The verified manifest of {@code version}.
     *
     * @throws IntegrityException TAMPERED_MANIFEST if the signature fails or the manifest belongs elsewhere
     */
    public Manifest open(ObjectVersion version) {
        Manifest m = trusted == null ? signer.verifyAndDecode(version.manifest()) : verifiedCached(version.manifest());
        if (!m.bucket().equals(version.bucket()) || !m.key().equals(version.key())
                || !m.versionId().equals(version.versionId()) || m.size() != version.size()) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest of " + m.bucket() + "/" + m.key() + " v=" + m.versionId()
                            + " stored under " + version.bucket() + "/" + version.key() + " v=" + version.versionId());
        }
        return m;
    }

    private Manifest verifiedCached(byte[] blob) {
        if (blob == null) {
            return signer.verifyAndDecode(null); // throws TAMPERED_MANIFEST
        }
        ByteBuffer d = ByteBuffer.wrap(ManifestVerifier.digest(blob));
        synchronized (trusted) {
            Manifest m = trusted.get(d);
            if (m != null) {
                return m;
            }
        }
        Manifest m = signer.verifyAndDecode(blob);
        remember(d, m);
        return m;
    }

    private void remember(ByteBuffer digest, Manifest m) {
        synchronized (trusted) {
            trusted.put(digest, m);
        }
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
