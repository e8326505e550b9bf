package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class VerifiedManifestCacheTest {
    private final AtomicInteger verifications = new AtomicInteger();
    private final Function<byte[], String> verifier = blob -> {
        verifications.incrementAndGet();
        String s = new String(blob, StandardCharsets.UTF_8);
        if (s.startsWith("bad")) {
            throw new IllegalStateException("signature");
        }
        return s;
    };

    @Test
    void sameBlobIsVerifiedOnce() {
        VerifiedManifestCache<String> cache = new VerifiedManifestCache<>(10);
        assertEquals("m1", cache.verify("m1".getBytes(StandardCharsets.UTF_8), verifier));
        assertEquals("m1", cache.verify("m1".getBytes(StandardCharsets.UTF_8), verifier));
        assertEquals(1, verifications.get());
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void changedBlobIsVerifiedAgainAndFailuresAreNotCached() {
        VerifiedManifestCache<String> cache = new VerifiedManifestCache<>(10);
        cache.verify("m1".getBytes(StandardCharsets.UTF_8), verifier);
        assertThrows(IllegalStateException.class, () -> cache.verify("bad1".getBytes(StandardCharsets.UTF_8), verifier));
        assertThrows(IllegalStateException.class, () -> cache.verify("bad1".getBytes(StandardCharsets.UTF_8), verifier));
        assertEquals(3, verifications.get());
        assertEquals(1, cache.size());
    }

    @Test
    void leastRecentlyUsedEntryIsEvicted() {
        VerifiedManifestCache<String> cache = new VerifiedManifestCache<>(2);
        cache.verify("a".getBytes(StandardCharsets.UTF_8), verifier);
        cache.verify("b".getBytes(StandardCharsets.UTF_8), verifier);
        cache.verify("a".getBytes(StandardCharsets.UTF_8), verifier);
        cache.verify("c".getBytes(StandardCharsets.UTF_8), verifier);
        assertEquals(2, cache.size());
        cache.verify("a".getBytes(StandardCharsets.UTF_8), verifier);
        assertEquals(3, verifications.get());
        cache.verify("b".getBytes(StandardCharsets.UTF_8), verifier);
        assertEquals(4, verifications.get());
    }
}
