package io.coffer.shard.api;

import java.util.List;

/** Counters a shard reports for health and capacity decisions. */
public record ShardStats(String shardId, long objects, long sectors, long temporarySectors,
                         long bytesUsed, long bytesCapacity, List<VolumeInfo> volumes) {
    public ShardStats {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
}
