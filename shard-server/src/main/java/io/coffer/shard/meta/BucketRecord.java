package io.coffer.shard.meta;

import io.coffer.shard.api.BucketInfo;

/**
 * A bucket row: the settings the gateway sees plus the bucket's generation counter, the highest
 * generation this shard has stored or handed out for the bucket.
 */
public record BucketRecord(BucketInfo info, long generation) {
    public BucketRecord {
        if (info == null || generation < 0) {
            throw new IllegalArgumentException("bad bucket record");
        }
    }

    BucketRecord withGeneration(long g) {
        return new BucketRecord(info, g);
    }
}
