package io.coffer.shard.api;

/**
 * A sorted, paginated scan of one bucket. Keys sort in binary UTF-8 order.
 *
 * @param startAfter     exclusive lower bound on the key ("" for none)
 * @param startAfterVersion with {@code versions}: resume inside {@code startAfter}'s versions after
 *                       this version id (S3's version-id-marker); null to skip all of that key
 * @param delimiter      "" for none; otherwise keys with the delimiter after the prefix collapse into
 *                       one common prefix, which counts once against maxKeys
 * @param versions       list every version and delete marker, not only the current objects
 */
public record ListRequest(String bucket, String prefix, String startAfter, String startAfterVersion,
                          String delimiter, int maxKeys, boolean versions) {
    public ListRequest {
        if (bucket == null) {
            throw new IllegalArgumentException("bucket");
        }
        prefix = prefix == null ? "" : prefix;
        startAfter = startAfter == null ? "" : startAfter;
        delimiter = delimiter == null ? "" : delimiter;
        if (maxKeys < 0) {
            throw new IllegalArgumentException("maxKeys < 0");
        }
    }

    public static ListRequest objects(String bucket, String prefix, String startAfter, String delimiter, int maxKeys) {
        return new ListRequest(bucket, prefix, startAfter, null, delimiter, maxKeys, false);
    }
}
