package io.coffer.crypto.segment;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a 96-bit nonce and a 128-bit tag on the JDK provider ("AES/GCM/NoPadding"), which uses the
 * AES-NI and carry-less multiply intrinsics once C2 has compiled it (about 30x Bouncy Castle's pure-Java GCM
 * here; see docs/decisions/0002-crypto.md). One encrypting and one decrypting {@link Cipher} per thread,
 * re-initialised per call, so a segment allocates nothing but the JDK's small parameter objects.
 *
 * <p>The JDK refuses to encrypt twice in a row with the same key and nonce on one {@code Cipher}; that is a
 * nonce reuse, which Coffer's nonce scheme rules out, so it surfaces as {@link IllegalStateException}.
 */
public final class AesGcm {
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private static final ThreadLocal<Cipher> ENCRYPT = ThreadLocal.withInitial(AesGcm::newCipher);
    private static final ThreadLocal<Cipher> DECRYPT = ThreadLocal.withInitial(AesGcm::newCipher);

    private AesGcm() {
    }

    /**
     * Encrypts {@code in} (all remaining bytes) into {@code out} as ciphertext || tag; advances both.
     *
     * @return bytes written: {@code in.remaining() + 16}
     */
    public static int encrypt(SecretKey key, byte[] nonce, byte[] aad, int aadLength, ByteBuffer in, ByteBuffer out) {
        Cipher c = ENCRYPT.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce, 0, NONCE_LENGTH));
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("AES-GCM nonce reuse refused: the same key and nonce were used"
                    + " for the previous encryption on this thread", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM init failed", e);
        }
        try {
            if (aadLength > 0) {
                c.updateAAD(aad, 0, aadLength);
            }
            return c.doFinal(in, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encrypt failed", e);
        }
    }

    /**
     * Decrypts {@code in} (ciphertext || tag, all remaining bytes) into {@code out}; advances both.
     *
     * @return plaintext bytes written
     * @throws AEADBadTagException if the tag does not verify (nothing meaningful is left in {@code out})
     */
    public static int decrypt(SecretKey key, byte[] nonce, byte[] aad, int aadLength, ByteBuffer in, ByteBuffer out)
            throws AEADBadTagException {
        if (in.remaining() < TAG_LENGTH) {
            throw new AEADBadTagException("input shorter than the tag");
        }
        Cipher c = DECRYPT.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce, 0, NONCE_LENGTH));
            if (aadLength > 0) {
                c.updateAAD(aad, 0, aadLength);
            }
            return c.doFinal(in, out);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decrypt failed", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION, e);
        }
    }
}
