package io.coffer.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The versioned cluster map: which shards exist, where, how heavy, and in which state, plus the
 * replication factors. Immutable; a change is a new map with a higher epoch, applied by gateways
 * and shards without restart (cluster mode keeps it in etcd and swaps it by compare-and-swap on
 * the epoch).
 *
 * @param replicas N, copies of each object
 * @param writeQuorum W, acknowledgements a write needs
 * @param readQuorum R, replicas a read consults for the newest version
 */
public record ClusterMap(long epoch, List<ShardNode> shards, int replicas, int writeQuorum, int readQuorum) {
    public ClusterMap {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch < 0");
        }
        List<ShardNode> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparing(ShardNode::id));
        Set<UUID> ids = new HashSet<>();
        for (ShardNode s : sorted) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("duplicate shard " + s.id());
            }
        }
        shards = Collections.unmodifiableList(sorted);
        if (replicas < 1 || writeQuorum < 1 || readQuorum < 1 || writeQuorum > replicas || readQuorum > replicas) {
            throw new IllegalArgumentException("need 1 <= W,R <= N");
        }
    }

    /** The map for one embedded shard: N = W = R = 1. */
    public static ClusterMap single(UUID shardId, String endpoint) {
        return new ClusterMap(1, List.of(new ShardNode(shardId, endpoint, "default", 1.0, ShardState.UP)), 1, 1, 1);
    }

    /** DESIGN's defaults: N=3, W=2, R=2 with three or more shards, otherwise every shard, all quorums. */
    public static ClusterMap withDefaults(long epoch, List<ShardNode> shards) {
        if (shards.size() >= 3) {
            return new ClusterMap(epoch, shards, 3, 2, 2);
        }
        int n = Math.max(1, shards.size());
        return new ClusterMap(epoch, shards, n, n, 1);
    }

    public Optional<ShardNode> shard(UUID id) {
        return shards.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** A new map with one shard added or replaced and the epoch advanced. */
    public ClusterMap withShard(ShardNode node) {
        List<ShardNode> next = new ArrayList<>(shards);
        next.removeIf(s -> s.id().equals(node.id()));
        next.add(node);
        return new ClusterMap(epoch + 1, next, replicas, writeQuorum, readQuorum);
    }

    /** A new map without the shard, epoch advanced. */
    public ClusterMap withoutShard(UUID id) {
        List<ShardNode> next = new ArrayList<>(shards);
        next.removeIf(s -> s.id().equals(id));
        return new ClusterMap(epoch + 1, next, replicas, writeQuorum, readQuorum);
    }
}
