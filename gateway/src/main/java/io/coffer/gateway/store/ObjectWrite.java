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
 * @param kmsKeyId  the SSE-KMS key id the data key is wrapped for, or null (SSE-S3 / SSE-C)
 */
public record ObjectWrite(String bucket, String key, long length, ObjectMetadata metadata, BodyChecks checks,
                          SseCustomerKey sseC, PutCondition condition, boolean versioned, String kmsKeyId) {
    /** A write without SSE-KMS. */
    public ObjectWrite(String bucket, String key, long length, ObjectMetadata metadata, BodyChecks checks,
                       SseCustomerKey sseC, PutCondition condition, boolean versioned) {
        this(bucket, key, length, metadata, checks, sseC, condition, versioned, null);
    }

    public ObjectWrite {
        if (bucket == null || key == null || length < 0) {
            throw new IllegalArgumentException("bucket, key and a non-negative length are required");
        }
        metadata = metadata == null ? ObjectMetadata.EMPTY : metadata;
        checks = checks == null ? BodyChecks.NONE : checks;
        condition = condition == null ? PutCondition.NONE : condition;
        if (sseC != null && kmsKeyId != null) {
            throw new IllegalArgumentException("SSE-C and SSE-KMS exclude each other");
        }
    }
}
