package io.coffer.shard.meta;

import java.util.UUID;

/** Identity of a shard's data directory, written once when the environment is created. */
public record ShardInfo(UUID shardId, int schemaVersion, long createdMillis) {
    public static final int CURRENT_SCHEMA = 1;

    public ShardInfo {
        if (shardId == null || schemaVersion < 1) {
            throw new IllegalArgumentException("bad shard info");
        }
    }
}
