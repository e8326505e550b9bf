package io.coffer.crypto.key;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869) from Bouncy Castle: the only key derivation Coffer uses. */
public final class Hkdf {
    private Hkdf() {
    }

    /**
     * @param salt may be null or empty (RFC 5869: a string of HashLen zeros)
     * @param info context binding the output to one purpose
     */
    public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length <= 0 || length > 255 * 32) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1..8160");
        }
        HKDFBytesGenerator gen = new HKDFBytesGenerator(new SHA256Digest());
        gen.init(new HKDFParameters(ikm, salt == null || salt.length == 0 ? null : salt, info));
        byte[] out = new byte[length];
        gen.generateBytes(out, 0, length);
        return out;
    }
}
