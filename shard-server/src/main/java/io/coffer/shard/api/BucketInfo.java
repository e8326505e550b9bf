package io.coffer.shard.api;

import java.util.Map;

/**
 * A bucket as the store knows it. {@code attributes} holds settings the gateway owns (ACL, owner,
 * versioning, object lock, tagging ...) as opaque strings so new settings need no schema change.
 *
 * @param versioning "" (never enabled), "Enabled" or "Suspended", as S3 answers it
 */
public record BucketInfo(String name, long createdMillis, String region, String versioning,
                         Map<String, String> attributes) {
    public BucketInfo {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("bucket name");
        }
        region = region == null ? "" : region;
        versioning = versioning == null ? "" : versioning;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public BucketInfo withVersioning(String state) {
        return new BucketInfo(name, createdMillis, region, state, attributes);
    }

    public BucketInfo withAttributes(Map<String, String> attrs) {
        return new BucketInfo(name, createdMillis, region, versioning, attrs);
    }
}
