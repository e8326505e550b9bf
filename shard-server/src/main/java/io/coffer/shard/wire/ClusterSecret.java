package io.coffer.shard.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every gateway and shard of a cluster shares to authenticate shard requests. It never
 * appears in {@link #toString()} so it cannot leak into a log line by accident.
 */
public final class ClusterSecret {
    /** Shorter secrets are refused: they would be guessable offline from one captured request. */
    public static final int MIN_LENGTH = 16;

    private final Mac prototype;

    private ClusterSecret(byte[] key) {
        if (key.length < MIN_LENGTH) {
            throw new IllegalArgumentException("cluster secret must be at least " + MIN_LENGTH + " bytes");
        }
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        Arrays.fill(key, (byte) 0);
    }

    public static ClusterSecret of(byte[] key) {
        return new ClusterSecret(key.clone());
    }

    /** The secret as configured text (COFFER_CLUSTER_SECRET): its UTF-8 bytes are the key. */
    public static ClusterSecret of(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("cluster secret missing");
        }
        return new ClusterSecret(secret.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh HMAC-SHA256 keyed with the secret (cloning skips the provider lookup and key setup). */
    public Mac newMac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 not cloneable", e);
        }
    }

    /** Whether two MACs are equal, in time independent of where they differ. */
    public static boolean macEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    @Override
    public String toString() {
        return "ClusterSecret[redacted]";
    }
}
