package io.coffer.crypto.manifest;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Signs manifests with the gateway's Ed25519 key and checks them back.
 *
 * <p>Signed blob = encoding ({@link ManifestCodec}) || signer key id (8 bytes) || signature (64 bytes), where
 * signature = Ed25519(signing key, "coffer-manifest-v1" 0x00 || encoding || signer key id). The domain
 * prefix keeps these signatures from ever being valid for anything else the key might sign.
 */
public final class ManifestSigner {
    static final byte[] DOMAIN = "coffer-manifest-v1\0".getBytes(StandardCharsets.US_ASCII);
    public static final int TRAILER_LENGTH = GatewayPublicKey.KEY_ID_LENGTH + GatewaySigningKey.SIGNATURE_LENGTH;

    private final GatewaySigningKey key;
    private final ManifestVerifier verifier;

    /** Signs with {@code key} and verifies against its public key only. */
    public ManifestSigner(GatewaySigningKey key) {
        this(key, ManifestVerifier.of(List.of(key.publicKey())));
    }

    /** Signs with {@code key} and verifies with {@code verifier} (e.g. cached, trusting other gateways too). */
    public ManifestSigner(GatewaySigningKey key, ManifestVerifier verifier) {
        this.key = key;
        this.verifier = verifier;
    }

    public GatewayPublicKey publicKey() {
        return key.publicKey();
    }

    public ManifestVerifier verifier() {
        return verifier;
    }

    /** The signed blob for {@code m}: what shards store as the version's manifest. */
    public byte[] sign(Manifest m) {
        byte[] encoding = ManifestCodec.encode(m);
        byte[] blob = new byte[encoding.length + TRAILER_LENGTH];
        System.arraycopy(encoding, 0, blob, 0, encoding.length);
        System.arraycopy(key.publicKey().keyId(), 0, blob, encoding.length, GatewayPublicKey.KEY_ID_LENGTH);
        byte[] sig = key.sign(signedMessage(blob, encoding.length));
        System.arraycopy(sig, 0, blob, encoding.length + GatewayPublicKey.KEY_ID_LENGTH, sig.length);
        return blob;
    }

    /** @see ManifestVerifier#verifyAndDecode(byte[]) */
    public Manifest verifyAndDecode(byte[] signedBlob) {
        return verifier.verifyAndDecode(signedBlob);
    }

    /** DOMAIN || encoding || signer key id, taken from a blob whose encoding is {@code encodingLength} long. */
    static byte[] signedMessage(byte[] blob, int encodingLength) {
        int n = encodingLength + GatewayPublicKey.KEY_ID_LENGTH;
        byte[] msg = new byte[DOMAIN.length + n];
        System.arraycopy(DOMAIN, 0, msg, 0, DOMAIN.length);
        System.arraycopy(blob, 0, msg, DOMAIN.length, n);
        return msg;
    }
}
