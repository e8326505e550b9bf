package io.coffer.gateway.s3.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The k-way merge over two real shard stores holding overlapping replicas of one bucket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardListMergeTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static final String BUCKET = "merge";

    @TempDir
    static Path dir;
    private ShardStore a;
    private ShardStore b;

    @BeforeAll
    void open() {
        a = ShardStore.open(dir.resolve("a"), ShardConfig.forTests());
        b = ShardStore.open(dir.resolve("b"), ShardConfig.forTests());
        for (ShardStore s : List.of(a, b)) {
            s.createBucket(new BucketInfo(BUCKET, 1L, "us-east-1", "", Map.of())).block(T);
        }
        // a: k1, k2 (old), d/x, v (null version)      b: k2 (newer), k3, d/y, v (null + "v2")
        put(a, "k1", "null", 1, 10);
        put(a, "k2", "null", 2, 20);
        put(b, "k2", "null", 7, 70);
        put(b, "k3", "null", 3, 30);
        put(a, "d/x", "null", 4, 1);
        put(b, "d/y", "null", 5, 1);
        put(a, "v", "null", 6, 1);
        put(b, "v", "null", 6, 1);
        put(b, "v", "v2", 8, 2);
        put(a, "😀", "null", 9, 1);
        put(b, "\uFFFD", "null", 10, 1);
    }

    @AfterAll
    void close() {
        a.close();
        b.close();
    }

    private static void put(ShardStore s, String key, String versionId, long gen, long size) {
        ObjectVersion v = new ObjectVersion(BUCKET, key, versionId, gen, false, size, "e" + gen, 1000L * gen,
                "STANDARD", List.of(), new byte[0]);
        s.putVersion(v, PutCondition.NONE, versionId.equals("null")).block(T);
    }

    private List<ListEntry> merge(ListRequest r, int pageSize) {
        return ShardListMerge.merge(List.of(a, b), r, pageSize).collectList().block(T);
    }

    @Test
    void keepsTheNewestGenerationOfEachKeyInUtf8Order() {
        for (int pageSize : new int[] {1, 2, 1000}) {
            List<ListEntry> all = merge(ListRequest.objects(BUCKET, "", "", "", 1000), pageSize);
            assertEquals(List.of("d/x", "d/y", "k1", "k2", "k3", "v", "\uFFFD", "😀"),
                    all.stream().map(ListEntry::key).toList(), "page size " + pageSize);
            ListEntry k2 = all.get(3);
            assertEquals(7, k2.version().generation());
            assertEquals(70, k2.version().size());
            assertEquals(8, all.get(5).version().generation(), "newest version of v wins");
        }
    }

    @Test
    void commonPrefixesFromBothShardsAppearOnce() {
        List<ListEntry> all = merge(ListRequest.objects(BUCKET, "", "", "/", 1000), 1);
        assertEquals(List.of("d/", "k1", "k2", "k3", "v", "\uFFFD", "😀"), all.stream().map(ListEntry::key).toList());
        assertTrue(all.get(0).commonPrefix());
    }

    @Test
    void startAfterAndPrefixApplyToEveryShard() {
        List<ListEntry> all = merge(ListRequest.objects(BUCKET, "k", "k1", "", 1000), 1);
        assertEquals(List.of("k2", "k3"), all.stream().map(ListEntry::key).toList());
    }

    @Test
    void versionListingKeepsEachVersionOnceNewestFirst() {
        List<ListEntry> v = merge(new ListRequest(BUCKET, "v", "", null, "", 1000, true), 1).stream().toList();
        assertEquals(List.of("v2", "null"), v.stream().map(e -> e.version().versionId()).toList());
    }

    @Test
    void takeStopsFetchingPages() {
        List<ListEntry> first = ShardListMerge.merge(List.of(a, b), ListRequest.objects(BUCKET, "", "", "", 3), 3)
                .take(3).collectList().block(T);
        assertEquals(List.of("d/x", "d/y", "k1"), first.stream().map(ListEntry::key).toList());
    }

    @Test
    void keyOrderIsBinaryUtf8() {
        assertTrue(KeyOrder.compare("\uFFFD", "😀") < 0);
        assertTrue("\uFFFD".compareTo("😀") > 0, "UTF-16 order differs, which is why KeyOrder exists");
        assertTrue(KeyOrder.compare("a", "ab") < 0);
        assertEquals(0, KeyOrder.compare("é", "é"));
    }
}
