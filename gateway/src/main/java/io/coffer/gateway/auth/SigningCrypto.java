package io.coffer.gateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 and SHA-256 for SigV4 on per-thread instances: Mac.getInstance and MessageDigest.getInstance
 * go through the provider lookup each time, which costs more than the hashing itself on short inputs.
 */
final class SigningCrypto {

    static final HexFormat HEX = HexFormat.of();
    /** hex(SHA-256("")): the hash of an empty chunk in chunk string-to-sign. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /**
     * A thread's Mac and the key it was last initialised with. Signing keys come from
     * {@link SigningKeyCache} as the same array for a whole day, so an identity check skips Mac.init, which
     * hashes the key pads and costs as much as the HMAC of a short string to sign.
     */
    private static final class KeyedMac {
        final Mac mac;
        byte[] key;

        KeyedMac() {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }

        Mac forKey(byte[] k) {
            if (k != key) {
                try {
                    mac.init(new SecretKeySpec(k, "HmacSHA256"));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HMAC key rejected", e);
                }
                key = k;
            }
            return mac;
        }
    }

    private static final ThreadLocal<KeyedMac> MAC = ThreadLocal.withInitial(KeyedMac::new);

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(SigningCrypto::newSha256);

    private SigningCrypto() {
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256; the key array must not be modified afterwards (the thread's Mac may keep using it). */
    static byte[] hmac(byte[] key, byte[] data) {
        // doFinal leaves the Mac initialised with the same key, ready for the next message.
        return MAC.get().forKey(key).doFinal(data);
    }

    /** HMAC-SHA1 for the legacy POST form signature; rare, so no per-thread instance. */
    static byte[] hmacSha1(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    static String hmacHex(byte[] key, String data) {
        return HEX.formatHex(hmac(key, data));
    }

    static String sha256Hex(String data) {
        return sha256Hex(data.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HEX.formatHex(md.digest(data));
    }

    static String sha256Hex(ByteBuffer data) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(data);
        return HEX.formatHex(md.digest());
    }

    /** Constant-time comparison of two hex signatures, so timing does not reveal how many leading chars match. */
    static boolean signaturesEqual(String expected, String provided) {
        if (provided == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                provided.getBytes(StandardCharsets.US_ASCII));
    }

    static boolean isLowerHex(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
