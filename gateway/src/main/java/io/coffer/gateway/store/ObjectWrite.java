package io.coffer.gateway.store;

import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.shard.api.PutCondition;

/**
 * A PutObject as the write pipeline takes it.
 *
 * @param length    plaintext bytes the body holds (S3 requires a known length)
 * @param sseC      the customer key when the client asked for SSE-C, else null
 * @param condition If-None-Match: * / If-Match, checked atomically with the commit
 * @param versioned whether the bucket has versioning enabled (else the "null" version is replaced)
 */
public record ObjectWrite(String bucket, String key, long length, ObjectMetadata metadata, BodyChecks checks,
                          SseCustomerKey sseC, PutCondition condition, boolean versioned) {
    public ObjectWrite {
        if (bucket == null || key == null || length < 0) {
            throw new IllegalArgumentException("bucket, key and a non-negative length are required");
        }
        metadata = metadata == null ? ObjectMetadata.EMPTY : metadata;
        checks = checks == null ? BodyChecks.NONE : checks;
        condition = condition == null ? PutCondition.NONE : condition;
    }
}
