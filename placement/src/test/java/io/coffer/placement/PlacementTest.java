package io.coffer.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final Random RANDOM = new Random(42);

    private static List<ShardNode> shards(int count, int zones, double weight) {
        List<ShardNode> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new ShardNode(new UUID(RANDOM.nextLong(), RANDOM.nextLong()), "http://127.0.0.1:" + (9100 + i),
                    "z" + (i % zones), weight, ShardState.UP));
        }
        return list;
    }

    @Test
    void sameKeyAlwaysMapsToSameReplicas() {
        ClusterMap map = ClusterMap.withDefaults(1, shards(10, 3, 1.0));
        Placement a = new Placement(map);
        Placement b = new Placement(new ClusterMap(1, new ArrayList<>(map.shards()), 3, 2, 2));
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.replicas("bucket", "key" + i), b.replicas("bucket", "key" + i));
        }
    }

    @Test
    void replicaSetHasNDistinctShardsInDistinctZones() {
        Placement p = new Placement(ClusterMap.withDefaults(1, shards(9, 3, 1.0)));
        for (int i = 0; i < 2000; i++) {
            List<ShardNode> r = p.replicas("b", "k" + i);
            assertEquals(3, r.size());
            assertEquals(3, new HashSet<>(r).size());
            Set<String> zones = new HashSet<>();
            r.forEach(s -> zones.add(s.zone()));
            assertEquals(3, zones.size(), "replicas must spread over zones first");
        }
    }

    @Test
    void fewerZonesThanReplicasStillGivesNShards() {
        Placement p = new Placement(ClusterMap.withDefaults(1, shards(5, 2, 1.0)));
        for (int i = 0; i < 500; i++) {
            List<ShardNode> r = p.replicas("b", "k" + i);
            assertEquals(3, new HashSet<>(r).size());
            Set<String> zones = new HashSet<>();
            r.forEach(s -> zones.add(s.zone()));
            assertEquals(2, zones.size());
        }
    }

    @Test
    void loadFollowsWeight() {
        List<ShardNode> list = new ArrayList<>(shards(4, 1, 1.0));
        list.add(new ShardNode(UUID.randomUUID(), "", "z0", 2.0, ShardState.UP));
        ClusterMap map = new ClusterMap(1, list, 1, 1, 1);
        Placement p = new Placement(map);
        Map<UUID, Integer> counts = new HashMap<>();
        for (int part = 0; part < p.partitions(); part++) {
            counts.merge(p.replicasOfPartition(part)[0].id(), 1, Integer::sum);
        }
        // total weight 6: the heavy shard should own ~1/3 of partitions, the others ~1/6 each
        double heavy = counts.get(list.get(4).id()) / (double) p.partitions();
        assertTrue(Math.abs(heavy - 1 / 3.0) < 0.04, "heavy share " + heavy);
        for (int i = 0; i < 4; i++) {
            double share = counts.get(list.get(i).id()) / (double) p.partitions();
            assertTrue(Math.abs(share - 1 / 6.0) < 0.03, "share " + share);
        }
    }

    @Test
    void addingAShardMovesAboutOneOverNOfPartitions() {
        List<ShardNode> list = shards(10, 1, 1.0);
        ClusterMap before = new ClusterMap(1, list, 1, 1, 1);
        ClusterMap after = before.withShard(new ShardNode(UUID.randomUUID(), "", "z0", 1.0, ShardState.UP));
        Placement p1 = new Placement(before);
        Placement p2 = new Placement(after);
        int moved = 0;
        for (int part = 0; part < p1.partitions(); part++) {
            if (!p1.replicasOfPartition(part)[0].equals(p2.replicasOfPartition(part)[0])) {
                moved++;
                // a partition may only move TO the new shard, never between old shards
                assertFalse(before.shard(p2.replicasOfPartition(part)[0].id()).isPresent());
            }
        }
        double share = moved / (double) p1.partitions();
        assertTrue(Math.abs(share - 1 / 11.0) < 0.03, "moved " + share);
        assertEquals(2, after.epoch());
    }

    @Test
    void drainingShardOwnsNothingButDownShardKeepsItsPartitions() {
        List<ShardNode> list = shards(4, 1, 1.0);
        ClusterMap map = new ClusterMap(1, list, 2, 1, 1);
        Placement base = new Placement(map);
        Placement down = new Placement(map.withShard(list.get(0).withState(ShardState.DOWN)));
        Placement draining = new Placement(map.withShard(list.get(0).withState(ShardState.DRAINING)));
        for (int part = 0; part < base.partitions(); part++) {
            for (ShardNode s : draining.replicasOfPartition(part)) {
                assertNotEquals(list.get(0).id(), s.id());
            }
            for (int r = 0; r < 2; r++) {
                assertEquals(base.replicasOfPartition(part)[r].id(), down.replicasOfPartition(part)[r].id());
            }
        }
    }

    @Test
    void singleShardMapPlacesEverythingOnIt() {
        UUID id = UUID.randomUUID();
        Placement p = new Placement(ClusterMap.single(id, "embedded"));
        assertEquals(List.of(id), p.replicas("b", "anything").stream().map(ShardNode::id).toList());
    }

    @Test
    void bucketIsPartOfTheHash() {
        assertNotEquals(ObjectHash.of("ab", "c"), ObjectHash.of("a", "bc"));
    }

    @Test
    void invalidMapsAreRejected() {
        List<ShardNode> list = shards(3, 1, 1.0);
        assertThrows(IllegalArgumentException.class, () -> new ClusterMap(1, list, 3, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new ClusterMap(1, List.of(list.get(0), list.get(0)), 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ShardNode(UUID.randomUUID(), "", "z", 0, ShardState.UP));
        assertThrows(IllegalArgumentException.class, () -> new Placement(new ClusterMap(1, list, 1, 1, 1), 1000));
    }
}
