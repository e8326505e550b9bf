package io.coffer.crypto.key;

import io.coffer.crypto.IntegrityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * The master keys that wrap data keys. Each master key has a key id derived from the key itself (a short
 * fingerprint, so the id never needs to be configured and two different keys never share an id). The
 * last key given is current: {@link #wrap} uses it; {@link #unwrap} accepts any key in the ring, so after
 * adding a new key, {@code rotate} can {@link #rewrap} every data key without touching object data and the
 * old key can then be removed.
 *
 * <p>Per key id the key-encryption key is KEK = HKDF-SHA256(master, salt = none, info = "coffer-kek-v1" ||
 * keyId), 32 bytes; wrapping is AES-KW (RFC 3394). Thread-safe and immutable.
 *
 * <p>SSE-KMS: Coffer's built-in keyring names keys (e.g. {@code testkey-1}) without holding key material of
 * their own: the KEK of KMS key {@code k} under master key {@code m} is HKDF-SHA256(KEK(m), info =
 * "coffer-kms-kek-v1" || k), and the wrapped key's id is {@code "kms/" + m + "/" + k} so it unwraps (and
 * rotates to a new master key) like any other. Different KMS key ids give independent KEKs, but anyone
 * with the master key can derive them all: this is key separation, not an external KMS.
 *
 * <p>Text form (file or environment variable): one base64 256-bit key per line (or separated by commas);
 * lines starting with '#' are comments; the last key is current.
 */
public final class MasterKeyring {
    public static final int KEY_LENGTH = 32;
    private static final byte[] KEK_INFO = "coffer-kek-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KMS_KEK_INFO = "coffer-kms-kek-v1".getBytes(StandardCharsets.US_ASCII);
    /** Prefix of the wrapping key id of a data key wrapped for a KMS key id. */
    public static final String KMS_PREFIX = "kms/";
    /** Longest KMS key id a wrapped key can name. */
    public static final int MAX_KMS_KEY_ID_LENGTH = 200;
    private static final byte[] KEY_ID_DOMAIN = "coffer-master-key-id-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** key id -> KEK; insertion order = ring order, last = current. */
    private final Map<String, byte[]> keks;
    private final String currentKeyId;

    private MasterKeyring(List<byte[]> masterKeys) {
        if (masterKeys.isEmpty()) {
            throw new IllegalArgumentException("no master key");
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        String last = null;
        for (byte[] k : masterKeys) {
            if (k.length != KEY_LENGTH) {
                throw new IllegalArgumentException("master key must be 256 bits (32 bytes), got "
                        + k.length + " bytes");
            }
            String id = keyIdOf(k);
            m.put(id, deriveKek(k, id));
            last = id;
        }
        this.keks = Collections.unmodifiableMap(m);
        this.currentKeyId = last;
    }

    /** A ring of the given raw 32-byte keys; the last is current. */
    public static MasterKeyring of(List<byte[]> masterKeys) {
        return new MasterKeyring(masterKeys);
    }

    /**
     * Parses base64 keys separated by commas, whitespace or newlines (e.g. the {@code COFFER_MASTER_KEY}
     * environment variable); the last is current.
     *
     * @throws IllegalArgumentException on bad base64 or a key that is not 32 bytes (message has no key bytes)
     */
    public static MasterKeyring fromBase64(String keys) {
        if (keys == null) {
            throw new IllegalArgumentException("no master key");
        }
        List<byte[]> list = new ArrayList<>();
        for (String line : keys.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            for (String part : t.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    try {
                        list.add(Base64.getDecoder().decode(part));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("master key is not valid base64");
                    }
                }
            }
        }
        try {
            return new MasterKeyring(list);
        } finally {
            list.forEach(k -> Arrays.fill(k, (byte) 0));
        }
    }

    /** Loads the ring from {@code file}; warns (without key material) if others can read it. */
    public static MasterKeyring load(Path file) throws IOException {
        OwnerOnlyFile.warnIfExposed(file);
        return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * The usual startup rule: keys from {@code envValue} (e.g. {@code COFFER_MASTER_KEY}) when it is set and
     * not blank, else from {@code file}, created on first start (embedded mode keeps it in the data directory).
     */
    public static MasterKeyring fromEnvironmentOrFile(String envValue, Path file) throws IOException {
        if (envValue != null && !envValue.isBlank()) {
            return fromBase64(envValue);
        }
        return loadOrCreate(file);
    }

    /**
     * Loads the ring from {@code file}, first creating it with one random 256-bit key and owner-only
     * permissions (rw-------) if it does not exist. Losing this file loses every object encrypted under it.
     */
    public static MasterKeyring loadOrCreate(Path file) throws IOException {
        OwnerOnlyFile.createIfAbsent(file, fileText(List.of(newKeyBase64())));
        return load(file);
    }

    /**
     * Appends a fresh random key to {@code file}, making it current for new writes; existing keys stay so
     * old data keys still unwrap until {@code rotate} has re-wrapped them.
     *
     * @return the ring as now stored
     */
    public static MasterKeyring addNewKey(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.US_ASCII));
        lines.add(newKeyBase64());
        OwnerOnlyFile.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        return load(file);
    }

    /** A fresh random 256-bit key in base64, e.g. for {@code COFFER_MASTER_KEY}. */
    public static String newKeyBase64() {
        byte[] k = new byte[KEY_LENGTH];
        RANDOM.nextBytes(k);
        try {
            return Base64.getEncoder().encodeToString(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The id of a raw master key: "mk-" + 16 hex digits of SHA-256(domain || key). */
    public static String keyIdOf(byte[] masterKey) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(KEY_ID_DOMAIN);
            byte[] h = d.digest(masterKey);
            return "mk-" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    /** Every key id in the ring, oldest first. */
    public List<String> keyIds() {
        return List.copyOf(keks.keySet());
    }

    public boolean hasKey(String keyId) {
        return keks.containsKey(keyId);
    }

    /** Wraps {@code key} under the current master key. */
    public WrappedKey wrap(DataKey key) {
        byte[] raw = key.bytes();
        try {
            return new WrappedKey(currentKeyId, AesKeyWrap.wrap(keks.get(currentKeyId), raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * Wraps {@code key} under the KEK of KMS key {@code kmsKeyId} derived from the current master key
     * (plain {@link #wrap(DataKey)} when {@code kmsKeyId} is null).
     *
     * @throws IllegalArgumentException if the KMS key id is empty, longer than {@link #MAX_KMS_KEY_ID_LENGTH}
     *                                  or has control characters
     */
    public WrappedKey wrap(DataKey key, String kmsKeyId) {
        if (kmsKeyId == null) {
            return wrap(key);
        }
        checkKmsKeyId(kmsKeyId);
        byte[] kek = kmsKek(keks.get(currentKeyId), kmsKeyId);
        byte[] raw = key.bytes();
        try {
            return new WrappedKey(KMS_PREFIX + currentKeyId + "/" + kmsKeyId, AesKeyWrap.wrap(kek, raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(kek, (byte) 0);
        }
    }

    /** The KMS key id a wrapping key id names ({@code "kms/<master>/<kms key id>"}), or null for none. */
    public static String kmsKeyIdOf(String wrappingKeyId) {
        if (wrappingKeyId == null || !wrappingKeyId.startsWith(KMS_PREFIX)) {
            return null;
        }
        int slash = wrappingKeyId.indexOf('/', KMS_PREFIX.length());
        return slash < 0 ? null : wrappingKeyId.substring(slash + 1);
    }

    /** Whether {@code kmsKeyId} can be named by a wrapped key (1..200 characters, no control characters). */
    public static boolean isValidKmsKeyId(String kmsKeyId) {
        return kmsKeyId != null && !kmsKeyId.isEmpty() && kmsKeyId.length() <= MAX_KMS_KEY_ID_LENGTH
                && kmsKeyId.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static void checkKmsKeyId(String kmsKeyId) {
        if (!isValidKmsKeyId(kmsKeyId)) {
            throw new IllegalArgumentException("KMS key id must be 1.." + MAX_KMS_KEY_ID_LENGTH
                    + " characters without control characters");
        }
    }

    /** @throws IntegrityException WRONG_KEY if the key id is not in the ring or the bytes do not unwrap */
    public DataKey unwrap(WrappedKey wrapped) {
        String masterId = wrapped.keyId();
        String kmsKeyId = kmsKeyIdOf(masterId);
        if (kmsKeyId != null) {
            masterId = masterId.substring(KMS_PREFIX.length(), masterId.length() - kmsKeyId.length() - 1);
        }
        byte[] masterKek = keks.get(masterId);
        if (masterKek == null) {
            throw new IntegrityException(IntegrityException.Kind.WRONG_KEY,
                    "master key " + masterId + " is not in the keyring");
        }
        byte[] kek = kmsKeyId == null ? masterKek : kmsKek(masterKek, kmsKeyId);
        byte[] raw = null;
        try {
            raw = AesKeyWrap.unwrap(kek, wrapped.wrapped());
            if (raw.length != DataKey.LENGTH) {
                throw new IntegrityException(IntegrityException.Kind.WRONG_KEY, "unwrapped key has wrong length");
            }
            return DataKey.of(raw);
        } catch (InvalidCipherTextException e) {
            throw new IntegrityException(IntegrityException.Kind.WRONG_KEY,
                    "data key does not unwrap under master key " + wrapped.keyId());
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
            if (kek != masterKek) {
                Arrays.fill(kek, (byte) 0);
            }
        }
    }

    /**
     * Re-wraps a data key under the current master key (for {@code rotate}); returns {@code old} itself if it
     * is already under the current key. Object data is untouched: the data key does not change.
     */
    public WrappedKey rewrap(WrappedKey old) {
        String kmsKeyId = kmsKeyIdOf(old.keyId());
        String current = kmsKeyId == null ? currentKeyId : KMS_PREFIX + currentKeyId + "/" + kmsKeyId;
        if (old.keyId().equals(current)) {
            return old;
        }
        DataKey k = unwrap(old);
        try {
            return wrap(k, kmsKeyId);
        } finally {
            k.destroy();
        }
    }

    @Override
    public String toString() {
        return "MasterKeyring" + keks.keySet() + " current=" + currentKeyId;
    }

    private static byte[] deriveKek(byte[] master, String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        byte[] info = Arrays.copyOf(KEK_INFO, KEK_INFO.length + id.length);
        System.arraycopy(id, 0, info, KEK_INFO.length, id.length);
        return Hkdf.sha256(master, null, info, 32);
    }

    private static byte[] kmsKek(byte[] masterKek, String kmsKeyId) {
        byte[] id = kmsKeyId.getBytes(StandardCharsets.UTF_8);
        byte[] info = Arrays.copyOf(KMS_KEK_INFO, KMS_KEK_INFO.length + id.length);
        System.arraycopy(id, 0, info, KMS_KEK_INFO.length, id.length);
        return Hkdf.sha256(masterKek, null, info, 32);
    }

    private static byte[] fileText(List<String> keys) {
        return ("# Coffer master keys (base64, 256-bit); the last is current. LOSING THIS FILE LOSES ALL DATA.\n"
                + String.join("\n", keys) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
