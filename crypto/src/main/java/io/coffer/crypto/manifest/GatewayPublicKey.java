package io.coffer.crypto.manifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A gateway's Ed25519 public key (RFC 8032, Bouncy Castle): all a reader needs to check manifests. Every
 * gateway of a cluster trusts the public keys of all gateways that write to it.
 */
public final class GatewayPublicKey {
    public static final int LENGTH = 32;
    public static final int KEY_ID_LENGTH = 8;

    private final byte[] encoded;
    private final Ed25519PublicKeyParameters params;
    private final byte[] keyId;

    public GatewayPublicKey(byte[] encoded) {
        if (encoded == null || encoded.length != LENGTH) {
            throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
        }
        this.encoded = encoded.clone();
        this.params = new Ed25519PublicKeyParameters(this.encoded, 0);
        this.keyId = fingerprint(this.encoded);
    }

    public static GatewayPublicKey fromBase64(String b64) {
        return new GatewayPublicKey(Base64.getDecoder().decode(b64.strip()));
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(encoded);
    }

    /** First 8 bytes of SHA-256(public key): names the signer inside a signed manifest. */
    public byte[] keyId() {
        return keyId.clone();
    }

    public String keyIdHex() {
        return HexFormat.of().formatHex(keyId);
    }

    boolean hasKeyId(byte[] b, int off) {
        return Arrays.equals(keyId, 0, KEY_ID_LENGTH, b, off, off + KEY_ID_LENGTH);
    }

    /** Pure Ed25519 verification of {@code signature} (64 bytes at {@code sigOff}) over the message. */
    public boolean verify(byte[] message, int off, int len, byte[] signature, int sigOff) {
        if (signature.length - sigOff < Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return params.verify(Ed25519.Algorithm.Ed25519, null, message, off, len, signature, sigOff);
    }

    public boolean verify(byte[] message, byte[] signature) {
        return signature != null && signature.length == Ed25519.SIGNATURE_SIZE
                && verify(message, 0, message.length, signature, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatewayPublicKey k && Arrays.equals(k.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "GatewayPublicKey[" + keyIdHex() + "]";
    }

    static byte[] fingerprint(byte[] publicKey) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), KEY_ID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
