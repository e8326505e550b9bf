package io.coffer.crypto.manifest;

import io.coffer.crypto.IntegrityException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks signed manifest blobs ({@link ManifestSigner}) against a set of trusted gateway public keys and
 * decodes them. With a cache ({@link #cached}) a blob already verified is recognised by its SHA-256 (about
 * a microsecond for a small manifest, against ~100 us for an Ed25519 verification), so the gateway pays one
 * verification per manifest version, not one per request. Thread-safe.
 */
public final class ManifestVerifier {
    private final List<GatewayPublicKey> trusted;
    private final Map<ByteBuffer, Manifest> cache;
    private final java.util.concurrent.atomic.LongAdder verifications = new java.util.concurrent.atomic.LongAdder();

    private ManifestVerifier(Collection<GatewayPublicKey> trusted, int cacheEntries) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("no trusted gateway key");
        }
        this.trusted = List.copyOf(trusted);
        this.cache = cacheEntries <= 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Manifest> e) {
                return size() > cacheEntries;
            }
        };
    }

    /** A verifier without a cache. */
    public static ManifestVerifier of(Collection<GatewayPublicKey> trusted) {
        return new ManifestVerifier(trusted, 0);
    }

    public static ManifestVerifier of(GatewayPublicKey trusted) {
        return of(List.of(trusted));
    }

    /** A verifier remembering up to {@code entries} verified blobs by digest (LRU). */
    public static ManifestVerifier cached(Collection<GatewayPublicKey> trusted, int entries) {
        return new ManifestVerifier(trusted, entries);
    }

    // one per thread: MessageDigest.getInstance (a provider lookup) cost more than hashing a manifest
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** SHA-256 of a signed blob: a cheap, collision-resistant name for "this exact blob". */
    public static byte[] digest(byte[] signedBlob) {
        MessageDigest d = SHA256.get();
        d.reset();
        return d.digest(signedBlob);
    }

    /**
     * @throws IntegrityException TAMPERED_MANIFEST if the blob is malformed, was signed by an untrusted key,
     *                            the signature does not verify, or the manifest does not decode
     */
    public Manifest verifyAndDecode(byte[] signedBlob) {
        if (signedBlob == null) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, "no manifest");
        }
        ByteBuffer d = null;
        if (cache != null) {
            d = ByteBuffer.wrap(digest(signedBlob));
            synchronized (cache) {
                Manifest m = cache.get(d);
                if (m != null) {
                    return m;
                }
            }
        }
        Manifest m = verifyUncached(signedBlob);
        if (cache != null) {
            synchronized (cache) {
                cache.put(d, m);
            }
        }
        return m;
    }

    /** Number of verified blobs currently cached (0 without a cache). */
    public int cachedEntries() {
        if (cache == null) {
            return 0;
        }
        synchronized (cache) {
            return cache.size();
        }
    }

    /** How many Ed25519 verifications this verifier has run (cache hits excluded); for metrics and tests. */
    public long signatureVerifications() {
        return verifications.sum();
    }

    private Manifest verifyUncached(byte[] blob) {
        int encodingLength = blob.length - ManifestSigner.TRAILER_LENGTH;
        if (encodingLength < 1) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, "signed manifest too short");
        }
        GatewayPublicKey signer = null;
        for (GatewayPublicKey k : trusted) {
            if (k.hasKeyId(blob, encodingLength)) {
                signer = k;
                break;
            }
        }
        if (signer == null) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest signed by an unknown gateway key");
        }
        byte[] message = ManifestSigner.signedMessage(blob, encodingLength);
        verifications.increment();
        if (!signer.verify(message, 0, message.length, blob, encodingLength + GatewayPublicKey.KEY_ID_LENGTH)) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest signature does not verify");
        }
        return ManifestCodec.decode(blob, 0, encodingLength);
    }
}
