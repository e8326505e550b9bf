package io.coffer.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The placement function for one cluster map epoch: SHA-256(bucket, key) picks one of a fixed
 * number of partitions, and each partition's replica set is chosen once, when the map changes, by
 * weighted rendezvous hashing spread over zones first.
 *
 * <p>Why partitions: rendezvous over S shards costs S hash-and-log evaluations, ~5 us at 300
 * shards, far too slow per request; precomputing it per partition makes a lookup one SHA-256 and
 * an array read, while keeping rendezvous' property that adding a shard moves only the partitions
 * (and so ~1/shards of the objects) that the new shard wins. Ceph's placement groups and Garage's
 * partitions make the same trade.
 */
public final class Placement {
    /** 4096 partitions keep each shard's share within a few percent of its weight up to ~300 shards. */
    public static final int DEFAULT_PARTITIONS = 4096;

    private final ClusterMap map;
    private final int partitionBits;
    private final ShardNode[][] table;

    public Placement(ClusterMap map) {
        this(map, DEFAULT_PARTITIONS);
    }

    public Placement(ClusterMap map, int partitions) {
        if (partitions < 1 || Integer.bitCount(partitions) != 1) {
            throw new IllegalArgumentException("partitions must be a power of two");
        }
        this.map = map;
        this.partitionBits = Integer.numberOfTrailingZeros(partitions);
        this.table = new ShardNode[partitions][];
        List<ShardNode> owners = new ArrayList<>();
        for (ShardNode s : map.shards()) {
            if (s.state().ownsData()) {
                owners.add(s);
            }
        }
        for (int p = 0; p < partitions; p++) {
            table[p] = choose(p, owners, map.replicas());
        }
    }

    public ClusterMap map() {
        return map;
    }

    public int partitions() {
        return table.length;
    }

    /** The partition of an object. */
    public int partitionOf(String bucket, String key) {
        return partitionOfHash(ObjectHash.of(bucket, key));
    }

    public int partitionOfHash(long objectHash) {
        return partitionBits == 0 ? 0 : (int) (objectHash >>> (64 - partitionBits));
    }

    /**
     * The replica set of an object, in preference order (the first is the primary for reads).
     * Fewer than N entries only when the map has fewer owning shards. The returned list must not be
     * modified.
     */
    public List<ShardNode> replicas(String bucket, String key) {
        return List.of(table[partitionOf(bucket, key)]);
    }

    /** The replica set of a partition, without copying (hot path). */
    public ShardNode[] replicasOfPartition(int partition) {
        return table[partition];
    }

    /**
     * Weighted rendezvous: every owner gets score = -weight / ln(u) with u uniform in (0,1) derived
     * from (partition, shard id); taking the highest scores picks each shard with probability
     * proportional to its weight. Zones first: walk owners by descending score and take one per
     * zone until N or zones run out, then fill with the best remaining.
     */
    private static ShardNode[] choose(int partition, List<ShardNode> owners, int n) {
        int count = owners.size();
        double[] scores = new double[count];
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            ShardNode s = owners.get(i);
            scores[i] = score(partition, s.id(), s.weight());
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int want = Math.min(n, count);
        List<ShardNode> chosen = new ArrayList<>(want);
        Set<String> zones = new HashSet<>();
        boolean[] taken = new boolean[count];
        for (int i = 0; i < count && chosen.size() < want; i++) {
            ShardNode s = owners.get(order[i]);
            if (zones.add(s.zone())) {
                chosen.add(s);
                taken[order[i]] = true;
            }
        }
        for (int i = 0; i < count && chosen.size() < want; i++) {
            if (!taken[order[i]]) {
                chosen.add(owners.get(order[i]));
            }
        }
        return chosen.toArray(new ShardNode[0]);
    }

    static double score(int partition, UUID shard, double weight) {
        long h = mix(mix(shard.getMostSignificantBits() ^ (partition * 0x9E3779B97F4A7C15L))
                ^ shard.getLeastSignificantBits());
        // 53 random bits -> u in (0,1), never 0 (ln(0)) nor 1 (division by zero)
        double u = ((h >>> 11) + 0.5) / (double) (1L << 53);
        return -weight / Math.log(u);
    }

    /** SplitMix64's finaliser: a fast, well-distributed 64-bit mixer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
