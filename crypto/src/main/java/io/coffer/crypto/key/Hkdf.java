package io.coffer.crypto.key;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869): the only key derivation Coffer uses. On the JDK's HMAC-SHA256, whose SHA-256 runs on
 * the SHA-NI intrinsics: a GET derives its segment key with it, and Bouncy Castle's pure-Java digest made that
 * about a twelfth of the CPU of a 4 KiB GET. {@code HkdfTest} checks the RFC's vectors. One {@link Mac} per
 * thread.
 */
public final class Hkdf {
    private static final int HASH_LENGTH = 32;
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    });

    private Hkdf() {
    }

    /**
     * @param salt may be null or empty (RFC 5869: a string of HashLen zeros)
     * @param info context binding the output to one purpose
     */
    public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length <= 0 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1..8160");
        }
        Mac mac = HMAC.get();
        byte[] prk = null;
        byte[] t = new byte[0];
        try {
            // extract: PRK = HMAC(salt, IKM); an absent salt is HashLen zeros (the JDK refuses empty keys)
            mac.init(new SecretKeySpec(salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt, "HmacSHA256"));
            prk = mac.doFinal(ikm);
            // expand: T(i) = HMAC(PRK, T(i-1) | info | i)
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                if (info != null) {
                    mac.update(info);
                }
                mac.update((byte) i);
                Arrays.fill(t, (byte) 0);
                t = mac.doFinal();
                int n = Math.min(HASH_LENGTH, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed", e);
        } finally {
            if (prk != null) {
                Arrays.fill(prk, (byte) 0);
            }
            Arrays.fill(t, (byte) 0);
        }
    }
}
