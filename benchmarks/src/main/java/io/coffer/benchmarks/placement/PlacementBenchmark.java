package io.coffer.benchmarks.placement;

import io.coffer.placement.ClusterMap;
import io.coffer.placement.Placement;
import io.coffer.placement.ShardNode;
import io.coffer.placement.ShardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replica-set lookup for a (bucket, key): SHA-256 of the name plus the partition table read, over
 * clusters of 3, 30 and 300 shards in 3 zones. Target: >= 1M lookups/s per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlacementBenchmark {
    @Param({"3", "30", "300"})
    int shards;

    private Placement placement;
    private String[] keys;
    private int next;

    @Setup
    public void setup() {
        Random random = new Random(1);
        List<ShardNode> nodes = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            nodes.add(new ShardNode(new UUID(random.nextLong(), random.nextLong()), "http://127.0.0.1:" + (9100 + i),
                    "zone" + (i % 3), 1.0, ShardState.UP));
        }
        placement = new Placement(ClusterMap.withDefaults(1, nodes));
        keys = new String[1024];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "photos/2026/11/img_" + i + ".jpg";
        }
    }

    @Benchmark
    public ShardNode[] replicaSet() {
        String key = keys[next++ & (keys.length - 1)];
        return placement.replicasOfPartition(placement.partitionOf("bucket", key));
    }
}
