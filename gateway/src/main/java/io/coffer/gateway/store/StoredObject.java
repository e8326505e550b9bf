package io.coffer.gateway.store;

import io.coffer.crypto.manifest.Manifest;
import io.coffer.shard.api.ObjectVersion;

/**
 * An object version whose manifest signature verified and whose clear fields agree with it. Only
 * the manifest is trusted; the version is kept for what the shard alone knows (generation order).
 */
public record StoredObject(ObjectVersion version, Manifest manifest) {
    public StoredObject {
        if (version == null || manifest == null) {
            throw new IllegalArgumentException("version and manifest are required");
        }
    }

    public String bucket() {
        return manifest.bucket();
    }

    public String key() {
        return manifest.key();
    }

    public long size() {
        return manifest.size();
    }

    /** The ETag without quotes. */
    public String etag() {
        return manifest.etag();
    }

    public long lastModifiedMillis() {
        return manifest.lastModifiedMillis();
    }

    public String versionId() {
        return manifest.versionId();
    }

    public int partCount() {
        return manifest.parts().size();
    }

    /** Whether the object was uploaded in parts (its ETag ends in -N). */
    public boolean multipart() {
        return manifest.etag().contains("-");
    }
}
