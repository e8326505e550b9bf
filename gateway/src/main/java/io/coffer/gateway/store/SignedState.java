package io.coffer.gateway.store;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.manifest.GatewayPublicKey;
import io.coffer.crypto.manifest.GatewaySigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Gateway-signed opaque state kept on shards besides manifests: a multipart upload's wrapped data
 * key, content id and headers, and each uploaded part's digests and sectors. The signature covers
 * a domain string and the kind of state, so a state blob can never pass as a manifest or as
 * another kind of state. Layout: payload || signer key id (8) || Ed25519 signature (64).
 */
public final class SignedState {
    private static final byte[] DOMAIN = "coffer-state-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER = GatewayPublicKey.KEY_ID_LENGTH + GatewaySigningKey.SIGNATURE_LENGTH;

    private final GatewaySigningKey key;
    private final List<GatewayPublicKey> trusted;

    public SignedState(GatewaySigningKey key, List<GatewayPublicKey> trusted) {
        this.key = key;
        this.trusted = List.copyOf(trusted);
    }

    public byte[] sign(String kind, byte[] payload) {
        byte[] keyId = key.publicKey().keyId();
        byte[] sig = key.sign(message(kind, payload, payload.length, keyId));
        byte[] blob = Arrays.copyOf(payload, payload.length + TRAILER);
        System.arraycopy(keyId, 0, blob, payload.length, keyId.length);
        System.arraycopy(sig, 0, blob, payload.length + keyId.length, sig.length);
        return blob;
    }

    /** The payload of a blob this gateway (or a trusted one) signed as {@code kind}. */
    public byte[] open(String kind, byte[] blob) {
        int n = blob.length - TRAILER;
        if (n < 0) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, kind + " state too short");
        }
        byte[] keyId = Arrays.copyOfRange(blob, n, n + GatewayPublicKey.KEY_ID_LENGTH);
        for (GatewayPublicKey k : trusted) {
            if (Arrays.equals(k.keyId(), keyId)) {
                byte[] msg = message(kind, blob, n, keyId);
                if (k.verify(msg, 0, msg.length, blob, n + GatewayPublicKey.KEY_ID_LENGTH)) {
                    return Arrays.copyOf(blob, n);
                }
            }
        }
        throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, kind + " state signature does not verify");
    }

    private static byte[] message(String kind, byte[] payload, int length, byte[] keyId) {
        byte[] k = kind.getBytes(StandardCharsets.US_ASCII);
        byte[] msg = new byte[DOMAIN.length + 1 + k.length + 1 + length + keyId.length];
        int o = 0;
        System.arraycopy(DOMAIN, 0, msg, o, DOMAIN.length);
        o += DOMAIN.length + 1;
        System.arraycopy(k, 0, msg, o, k.length);
        o += k.length + 1;
        System.arraycopy(payload, 0, msg, o, length);
        o += length;
        System.arraycopy(keyId, 0, msg, o, keyId.length);
        return msg;
    }
}
