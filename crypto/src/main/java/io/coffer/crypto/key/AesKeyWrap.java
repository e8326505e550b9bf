package io.coffer.crypto.key;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * AES key wrap (RFC 3394, default IV A6A6...) on the JDK provider ({@code AES/KW/NoPadding}, JDK 17+), whose
 * AES runs on the AES-NI intrinsics: every GET of an object unwraps its data key, and Bouncy Castle's
 * pure-Java AES engine (a key schedule and 24 block operations in Java per unwrap) was about a tenth of the
 * CPU of a 4 KiB GET. The output is RFC 3394's, byte for byte ({@code AesKeyWrapTest} checks the RFC's
 * vectors), so keys wrapped by earlier builds unwrap unchanged. One {@link Cipher} per thread and direction.
 */
public final class AesKeyWrap {
    private static final String TRANSFORMATION = "AES/KW/NoPadding";
    private static final ThreadLocal<Cipher> WRAP = ThreadLocal.withInitial(AesKeyWrap::newCipher);
    private static final ThreadLocal<Cipher> UNWRAP = ThreadLocal.withInitial(AesKeyWrap::newCipher);

    private AesKeyWrap() {
    }

    /** @param keyData a multiple of 8 bytes, at least 16 */
    public static byte[] wrap(byte[] kek, byte[] keyData) {
        if (keyData.length < 16 || keyData.length % 8 != 0) {
            throw new IllegalArgumentException("key data must be a multiple of 8 bytes, at least 16");
        }
        Cipher c = WRAP.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"));
            return c.doFinal(keyData);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES key wrap failed: " + e.getMessage(), e);
        }
    }

    /** @throws InvalidCipherTextException when the integrity check fails (wrong KEK or changed bytes) */
    public static byte[] unwrap(byte[] kek, byte[] wrapped) throws InvalidCipherTextException {
        if (wrapped.length < 24 || wrapped.length % 8 != 0) {
            throw new InvalidCipherTextException("wrapped key must be a multiple of 8 bytes, at least 24");
        }
        Cipher c = UNWRAP.get();
        try {
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"));
            return c.doFinal(wrapped);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("AES key unwrap: bad key encryption key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            // the integrity check value did not match: wrong KEK or changed bytes
            throw new InvalidCipherTextException("AES key unwrap integrity check failed");
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
