package io.coffer.crypto.key;

import io.coffer.crypto.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import javax.security.auth.Destroyable;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * An SSE-C customer key from the {@code x-amz-server-side-encryption-customer-key} and
 * {@code -customer-key-MD5} headers. The customer key wraps the object's data key (AES-KW under
 * KEK = HKDF-SHA256(customerKey, info = "coffer-ssec-kek-v1")) instead of the master key, so without the
 * customer key nobody, including Coffer, can read the object. Only the key's MD5 is stored (as S3 does) so
 * the gateway can reject a wrong key before touching data.
 */
public final class SseCustomerKey implements Destroyable {
    /** The key id stored with data keys wrapped under a customer key. */
    public static final String KEY_ID = "sse-c";
    private static final byte[] KEK_INFO = "coffer-ssec-kek-v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] kek;
    private final String keyMd5Base64;
    private volatile boolean destroyed;

    private SseCustomerKey(byte[] kek, String keyMd5Base64) {
        this.kek = kek;
        this.keyMd5Base64 = keyMd5Base64;
    }

    /**
     * @param keyB64 base64 of a 256-bit key
     * @param md5B64 base64 of the key's MD5, as the client sent it
     * @throws IllegalArgumentException if either is missing or not base64, the key is not 256 bits, or the
     *                                  MD5 does not match (S3 answers InvalidArgument / 400)
     */
    public static SseCustomerKey of(String keyB64, String md5B64) {
        if (keyB64 == null || md5B64 == null) {
            throw new IllegalArgumentException("SSE-C key and key MD5 are both required");
        }
        byte[] key;
        byte[] md5;
        try {
            key = Base64.getDecoder().decode(keyB64.strip());
            md5 = Base64.getDecoder().decode(md5B64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SSE-C key or key MD5 is not valid base64");
        }
        try {
            if (key.length != 32) {
                throw new IllegalArgumentException("SSE-C key must be 256 bits");
            }
            byte[] actual = md5(key);
            if (!MessageDigest.isEqual(actual, md5)) {
                throw new IllegalArgumentException("SSE-C key MD5 does not match the key");
            }
            return new SseCustomerKey(Hkdf.sha256(key, null, KEK_INFO, 32),
                    Base64.getEncoder().encodeToString(actual));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Base64 MD5 of the customer key, for the response header and the manifest. */
    public String keyMd5Base64() {
        return keyMd5Base64;
    }

    /** True if this is the key whose MD5 the manifest stored (constant-time compare). */
    public boolean matchesMd5(String storedMd5Base64) {
        return storedMd5Base64 != null && MessageDigest.isEqual(
                keyMd5Base64.getBytes(StandardCharsets.US_ASCII), storedMd5Base64.getBytes(StandardCharsets.US_ASCII));
    }

    public WrappedKey wrap(DataKey key) {
        byte[] raw = key.bytes();
        try {
            return new WrappedKey(KEY_ID, AesKeyWrap.wrap(liveKek(), raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** @throws IntegrityException WRONG_KEY if {@code wrapped} was not wrapped under this customer key */
    public DataKey unwrap(WrappedKey wrapped) {
        if (!KEY_ID.equals(wrapped.keyId())) {
            throw new IntegrityException(IntegrityException.Kind.WRONG_KEY,
                    "data key is wrapped under " + wrapped.keyId() + ", not an SSE-C key");
        }
        byte[] raw = null;
        try {
            raw = AesKeyWrap.unwrap(liveKek(), wrapped.wrapped());
            return DataKey.of(raw);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new IntegrityException(IntegrityException.Kind.WRONG_KEY,
                    "data key does not unwrap under the SSE-C customer key");
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(kek, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "SseCustomerKey[md5=" + keyMd5Base64 + "]";
    }

    private byte[] liveKek() {
        if (destroyed) {
            throw new IllegalStateException("SSE-C key destroyed");
        }
        return kek;
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
