package io.coffer.gateway.store;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Remembers manifests whose Ed25519 signature already verified, keyed by the SHA-256 of the exact
 * signed blob, so a hot object pays the ~100 us verify once instead of on every GET/HEAD. SHA-256
 * of a manifest costs about a microsecond, and being collision resistant, a blob that hashes to a
 * cached key is the blob that verified: a tampered blob misses and is verified (and rejected).
 *
 * @param <T> the decoded manifest
 */
public final class VerifiedManifestCache<T> {
    private final int capacity;
    private final Map<ByteBuffer, T> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public VerifiedManifestCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, T> eldest) {
                return size() > VerifiedManifestCache.this.capacity;
            }
        };
    }

    /**
     * The decoded manifest of {@code blob}: from the cache, or by {@code verifyAndDecode} (which
     * throws if the signature does not verify; nothing is cached then).
     */
    public T verify(byte[] blob, Function<byte[], T> verifyAndDecode) {
        ByteBuffer key = ByteBuffer.wrap(sha256(blob));
        T cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached != null) {
            hits.increment();
            return cached;
        }
        misses.increment();
        T decoded = verifyAndDecode.apply(blob);
        if (capacity > 0) {
            synchronized (entries) {
                entries.put(key, decoded);
            }
        }
        return decoded;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static byte[] sha256(byte[] blob) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(blob);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
