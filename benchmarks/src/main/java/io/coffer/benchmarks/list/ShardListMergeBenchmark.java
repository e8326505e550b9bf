package io.coffer.benchmarks.list;

import io.coffer.gateway.s3.list.ShardListMerge;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * The gateway's k-way listing merge ({@link ShardListMerge}) as ListObjectsV2 uses it: one page of
 * 1,000 keys merged from the sorted, lazily paged streams of 3 or 30 shards, taking max-keys + 1
 * entries. Every key is stored on 3 replicas (the default N=3), so with 3 shards each key arrives 3
 * times and the merge collapses the copies, keeping the newest generation; with 30 shards each shard
 * holds a tenth of the bucket and a page draws ~100 entries from each. The bucket holds 100,000 keys
 * (ASCII, so String order is binary UTF-8 order) and each operation lists from a different start
 * key. Shards answer from memory ({@link ListingShard}), so this is the merge's cost (plus each shard
 * building its page of up to 1,001 entries), not an LMDB scan.
 *
 * <p>Score: pages/s; keys/s is 1,000 × that. Run:
 * {@code java -jar benchmarks/target/coffer-benchmarks.jar ShardListMergeBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ShardListMergeBenchmark {
    static final String BUCKET = "bench";
    static final int KEYS = 100_000;
    static final int REPLICAS = 3;
    static final int MAX_KEYS = 1000;

    @State(Scope.Thread)
    public static class Shards {
        @Param({"3", "30"})
        int shards;

        List<ListingShard> stores;
        String[] starts;
        int next;

        @Setup
        public void setUp() {
            List<List<ListEntry>> perShard = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                perShard.add(new ArrayList<>());
            }
            Random random = new Random(5);
            for (int k = 0; k < KEYS; k++) {
                String key = key(k);
                // REPLICAS distinct shards per key, as placement picks them; replicas may disagree on the
                // generation (a replica that missed the newest write), which the merge must resolve
                int first = random.nextInt(shards);
                for (int r = 0; r < REPLICAS; r++) {
                    int shard = (first + r * Math.max(1, shards / REPLICAS)) % shards;
                    long generation = 1 + k * 2L + (r == 0 ? 1 : 0);
                    perShard.get(shard).add(ListEntry.object(version(key, generation), true));
                }
            }
            stores = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                stores.add(new ListingShard("shard-" + s, perShard.get(s)));
            }
            // start keys of the pages a client paging through the bucket would ask for
            starts = new String[KEYS / MAX_KEYS - 1];
            starts[0] = "";
            for (int i = 1; i < starts.length; i++) {
                starts[i] = key(i * MAX_KEYS - 1);
            }
            List<ListEntry> page = page(this, "");
            if (page.size() != MAX_KEYS + 1 || !page.get(0).key().equals(key(0))
                    || page.get(0).version().generation() != 2) {
                throw new IllegalStateException("the merge returned a wrong first page");
            }
        }
    }

    @Benchmark
    public List<ListEntry> mergePage(Shards s) {
        String start = s.starts[s.next];
        s.next = (s.next + 1) % s.starts.length;
        return page(s, start);
    }

    static List<ListEntry> page(Shards s, String startAfter) {
        // as BucketListHandler asks: pages of max-keys + 1 per shard, and it takes max-keys + 1
        return ShardListMerge.merge(s.stores, ListRequest.objects(BUCKET, "", startAfter, "", MAX_KEYS + 1),
                        MAX_KEYS + 1)
                .take(MAX_KEYS + 1L)
                .collectList()
                .block();
    }

    static String key(int k) {
        return String.format("logs/2026/11/%08d.json", k);
    }

    static ObjectVersion version(String key, long generation) {
        return new ObjectVersion(BUCKET, key, ObjectVersion.NULL_VERSION, generation, false, 4096,
                "0123456789abcdef0123456789abcdef", 1_764_400_000_000L, "STANDARD", List.of(), new byte[0]);
    }
}
