package io.coffer.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over (bucket, key), the input of placement. The bucket is length-prefixed so
 * ("ab","c") and ("a","bc") never collide. Uses one MessageDigest per thread: getInstance per call
 * would dominate a lookup.
 */
public final class ObjectHash {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    });

    private ObjectHash() {
    }

    /** The first 8 bytes of SHA-256(len(bucket) || bucket || key) as a long. */
    public static long of(String bucket, String key) {
        MessageDigest md = SHA256.get();
        byte[] b = bucket.getBytes(StandardCharsets.UTF_8);
        md.update((byte) b.length);
        md.update(b);
        md.update(key.getBytes(StandardCharsets.UTF_8));
        byte[] d = md.digest();
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xFF);
        }
        return v;
    }
}
