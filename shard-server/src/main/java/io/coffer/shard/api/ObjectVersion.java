package io.coffer.shard.api;

import java.util.List;

/**
 * One version of an object as a shard stores it. The shard indexes the clear fields (for listing,
 * conditions and sector references) and keeps {@code manifest} opaque: it is the gateway-signed,
 * canonical manifest that alone is trusted on read.
 *
 * @param versionId  S3 version id; "null" for the version written while versioning is off or suspended
 * @param generation monotonically increasing per bucket; orders versions newest first
 * @param sectors    every sector this version references (space is freed only when nothing does)
 * @param manifest   signed manifest bytes (empty for delete markers if the gateway chooses)
 */
public record ObjectVersion(String bucket, String key, String versionId, long generation,
                            boolean deleteMarker, long size, String etag, long lastModifiedMillis,
                            String storageClass, List<SectorRef> sectors, byte[] manifest) {
    public static final String NULL_VERSION = "null";

    public ObjectVersion {
        if (bucket == null || key == null || versionId == null) {
            throw new IllegalArgumentException("bucket, key and versionId are required");
        }
        if (generation <= 0) {
            throw new IllegalArgumentException("generation must be > 0");
        }
        etag = etag == null ? "" : etag;
        storageClass = storageClass == null ? "STANDARD" : storageClass;
        sectors = sectors == null ? List.of() : List.copyOf(sectors);
        manifest = manifest == null ? new byte[0] : manifest;
    }
}
