package io.coffer.crypto.key;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A 256-bit data encryption key (DEK): one per object version, or per multipart upload. It only ever
 * leaves memory wrapped ({@link WrappedKey}). {@link #destroy()} zeroes it once a request is done.
 */
public final class DataKey implements Destroyable {
    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private volatile boolean destroyed;

    private DataKey(byte[] key) {
        this.key = key;
    }

    public static DataKey generate() {
        byte[] k = new byte[LENGTH];
        RANDOM.nextBytes(k);
        return new DataKey(k);
    }

    /** Wraps a copy of {@code bytes} (32 bytes), e.g. after unwrapping. */
    public static DataKey of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("data key must be " + LENGTH + " bytes");
        }
        return new DataKey(bytes.clone());
    }

    /** A copy of the key bytes; the caller should zero it when done. */
    public byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("data key destroyed");
        }
        return key.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Never prints key bytes. */
    @Override
    public String toString() {
        return destroyed ? "DataKey[destroyed]" : "DataKey[***]";
    }
}
