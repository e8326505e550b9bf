package io.coffer.gateway.s3.object;

import io.coffer.crypto.key.MasterKeyring;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The KMS key ids SSE-KMS requests may name: Coffer's built-in keyring, not an external KMS. A key id
 * here holds no key material of its own; the data key of an {@code aws:kms} object is wrapped under a
 * KEK derived from the master key and the key id ({@link MasterKeyring#wrap(io.coffer.crypto.key.DataKey,
 * String)}). Configured by {@code coffer.kms.key-ids} ({@code COFFER_KMS_KEY_IDS}, comma-separated; the
 * default names ceph/s3-tests' {@code testkey-1} and {@code testkey-2}) and {@code coffer.kms.default-key-id}
 * ({@code COFFER_KMS_DEFAULT_KEY_ID}: the key for {@code aws:kms} without a key id; empty = such requests
 * are refused). See docs/decisions/sse-s3-and-kms.md.
 */
@Singleton
public final class KmsKeyring {
    private final Set<String> keyIds;
    private final String defaultKeyId;

    public KmsKeyring(@Value("${coffer.kms.key-ids:testkey-1,testkey-2}") String keyIds,
                      @Value("${coffer.kms.default-key-id:}") String defaultKeyId) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : Arrays.asList(keyIds == null ? new String[0] : keyIds.split(","))) {
            String t = id.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!MasterKeyring.isValidKmsKeyId(t)) {
                throw new IllegalArgumentException("invalid KMS key id in coffer.kms.key-ids: " + t);
            }
            ids.add(t);
        }
        this.keyIds = Set.copyOf(ids);
        String d = defaultKeyId == null ? "" : defaultKeyId.strip();
        if (!d.isEmpty() && !ids.contains(d)) {
            throw new IllegalArgumentException("coffer.kms.default-key-id " + d + " is not in coffer.kms.key-ids");
        }
        this.defaultKeyId = d.isEmpty() ? null : d;
    }

    public boolean contains(String keyId) {
        return keyId != null && keyIds.contains(keyId);
    }

    /** The key for {@code aws:kms} requests that name none, or null when they are refused. */
    public String defaultKeyId() {
        return defaultKeyId;
    }

    public Set<String> keyIds() {
        return keyIds;
    }
}
