package io.coffer.crypto.key;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A data key wrapped with AES-KW (RFC 3394) under the key-encryption key named by {@code keyId}: a master
 * key id from the {@link MasterKeyring}, a KMS key id under a master key ({@link MasterKeyring#kmsKeyIdOf}),
 * or {@link SseCustomerKey#KEY_ID} for SSE-C.
 *
 * @param wrapped 40 bytes (32-byte key + 8-byte integrity block)
 */
public record WrappedKey(String keyId, byte[] wrapped) {
    public static final int LENGTH = DataKey.LENGTH + 8;
    /** Room for "kms/" + a master key id + "/" + a KMS key id of up to 200 characters (an ARN fits). */
    public static final int MAX_KEY_ID_LENGTH = 256;

    public WrappedKey {
        if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
            throw new IllegalArgumentException("key id must be 1.." + MAX_KEY_ID_LENGTH + " chars");
        }
        if (wrapped == null || wrapped.length != LENGTH) {
            throw new IllegalArgumentException("wrapped key must be " + LENGTH + " bytes");
        }
        wrapped = wrapped.clone();
    }

    @Override
    public byte[] wrapped() {
        return wrapped.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrappedKey w && w.keyId.equals(keyId) && Arrays.equals(w.wrapped, wrapped);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + Arrays.hashCode(wrapped);
    }

    @Override
    public String toString() {
        return "WrappedKey[" + keyId + ", " + HexFormat.of().formatHex(wrapped) + "]";
    }
}
