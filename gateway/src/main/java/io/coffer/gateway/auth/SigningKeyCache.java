package io.coffer.gateway.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Derived SigV4 signing keys, HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"),
 * cached per (secret, date, region, service): a key is valid for a whole day, and deriving it costs four
 * HMACs, more than verifying the request itself.
 */
final class SigningKeyCache {

    /** Far more than the users × 2 dates a gateway sees; past it the cache is cleared rather than tracked. */
    private static final int MAX_ENTRIES = 16_384;

    private record Key(String secret, String date, String region, String service) {
    }

    private final ConcurrentHashMap<Key, byte[]> keys = new ConcurrentHashMap<>();

    byte[] signingKey(String secret, String date, String region, String service) {
        Key key = new Key(secret, date, region, service);
        byte[] cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] derived = derive(secret, date, region, service);
        if (keys.size() >= MAX_ENTRIES) {
            keys.clear();
        }
        keys.put(key, derived);
        return derived;
    }

    static byte[] derive(String secret, String date, String region, String service) {
        byte[] k = SigningCrypto.hmac(("AWS4" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8), date);
        k = SigningCrypto.hmac(k, region);
        k = SigningCrypto.hmac(k, service);
        return SigningCrypto.hmac(k, "aws4_request");
    }
}
