package io.coffer.shard.meta;

import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.ShardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.meta.MetaFixture.bucket;
import static io.coffer.shard.meta.MetaFixture.listAll;
import static io.coffer.shard.meta.MetaFixture.marker;
import static io.coffer.shard.meta.MetaFixture.put;
import static io.coffer.shard.meta.MetaFixture.render;
import static io.coffer.shard.meta.MetaFixture.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListingTest {
    private static final Comparator<String> UTF8 = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    MetaStore meta;
    long generation;

    @BeforeEach
    void open() {
        meta = MetaFixture.open(dir);
        meta.createBucket(bucket("b"));
        meta.createBucket(bucket("c"));
    }

    @AfterEach
    void close() {
        meta.close();
    }

    private void putKeys(String... keys) {
        for (String k : keys) {
            put(meta, version("b", k, "v" + (++generation), generation));
        }
    }

    private List<String> list(String prefix, String delimiter) {
        return render(meta.list(ListRequest.objects("b", prefix, "", delimiter, 1000)).entries(), false);
    }

    @Test
    void keysListInBinaryUtf8OrderNotUtf16Order() {
        putKeys("😀", "ｚ", "é", "~", "a", "Z");
        assertEquals(List.of("K:Z", "K:a", "K:~", "K:é", "K:ｚ", "K:😀"), list("", ""));
    }

    @Test
    void bucketsDoNotSeeEachOthersKeys() {
        putKeys("x");
        put(meta, version("c", "y", "v", 1));
        assertEquals(List.of("K:x"), list("", ""));
        assertEquals(List.of("K:y"), render(meta.list(ListRequest.objects("c", "", "", "", 10)).entries(), false));
    }

    @Test
    void delimiterCollapsesNestedPrefixes() {
        putKeys("photos/2020/a.jpg", "photos/2020/b.jpg", "photos/2021/c.jpg", "photos/top.jpg", "readme",
                "photosynthesis");
        assertEquals(List.of("P:photos/", "K:photosynthesis", "K:readme"), list("", "/"));
        assertEquals(List.of("P:photos/2020/", "P:photos/2021/", "K:photos/top.jpg"), list("photos/", "/"));
        assertEquals(List.of("K:photos/2020/a.jpg", "K:photos/2020/b.jpg"), list("photos/2020/", "/"));
        assertEquals(List.of("P:photos/2020/", "P:photos/2021/"), list("photos/20", "/"));
        assertEquals(List.of("K:photos/2020/a.jpg", "K:photos/2020/b.jpg", "K:photos/2021/c.jpg",
                "K:photos/top.jpg", "K:photosynthesis"), list("photos", ""));
    }

    @Test
    void multiCharacterDelimiter() {
        putKeys("a--b--c", "a--d", "a-e", "b");
        assertEquals(List.of("P:a--", "K:a-e", "K:b"), list("", "--"));
        assertEquals(List.of("P:a--b--", "K:a--d"), list("a--", "--"));
    }

    @Test
    void tenThousandKeySubTreeIsSkippedWithSeeksNotWalked() {
        putKeys("a", "c");
        List<ObjectVersion> big = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            big.add(version("b", String.format("big/%05d", i), "v", ++generation));
        }
        meta.putVersions(big);
        long seeks = meta.listSeeks();
        long steps = meta.listSteps();
        assertEquals(List.of("K:a", "P:big/", "K:c"), list("", "/"));
        long moves = (meta.listSeeks() - seeks) + (meta.listSteps() - steps);
        assertTrue(moves < 10, "listing moved the cursor " + moves + " times");

        // a versions listing skips the sub-tree the same way
        seeks = meta.listSeeks();
        steps = meta.listSteps();
        ListPage page = meta.list(new ListRequest("b", "", "", null, "/", 1000, true));
        assertEquals(List.of("K:a:v1:true", "P:big/", "K:c:v2:true"), render(page.entries(), true));
        moves = (meta.listSeeks() - seeks) + (meta.listSteps() - steps);
        assertTrue(moves < 10, "versions listing moved the cursor " + moves + " times");

        // without the delimiter the keys are all there
        assertEquals(10_002, listAll(meta, "b", "", "", false, 1000).size());
    }

    @Test
    void paginationResumesAfterKeysAndCommonPrefixes() {
        putKeys("a", "b/1", "b/2", "b/3", "c", "d/x", "e");
        ListPage first = meta.list(ListRequest.objects("b", "", "", "/", 2));
        assertEquals(List.of("K:a", "P:b/"), render(first.entries(), false));
        assertTrue(first.truncated());
        assertEquals("b/", first.nextKey());
        assertNull(first.nextVersion());
        ListPage second = meta.list(ListRequest.objects("b", "", first.nextKey(), "/", 2));
        assertEquals(List.of("K:c", "P:d/"), render(second.entries(), false));
        ListPage third = meta.list(ListRequest.objects("b", "", second.nextKey(), "/", 2));
        assertEquals(List.of("K:e"), render(third.entries(), false));
        assertFalse(third.truncated());
        assertNull(third.nextKey());
        // a marker inside a collapsed prefix also resumes after the whole prefix
        assertEquals(List.of("K:c", "P:d/", "K:e"),
                render(meta.list(ListRequest.objects("b", "", "b/2", "/", 10)).entries(), false));
        // a marker before the prefix is ignored, one after it ends the listing
        assertEquals(List.of("K:b/1", "K:b/2", "K:b/3"),
                render(meta.list(ListRequest.objects("b", "b/", "a", "", 10)).entries(), false));
        assertEquals(List.of(), render(meta.list(ListRequest.objects("b", "b/", "c", "", 10)).entries(), false));
    }

    @Test
    void exactPageBoundaryIsNotTruncated() {
        putKeys("a", "b");
        ListPage page = meta.list(ListRequest.objects("b", "", "", "", 2));
        assertEquals(2, page.entries().size());
        assertFalse(page.truncated());
        ListPage none = meta.list(ListRequest.objects("b", "", "", "", 0));
        assertTrue(none.entries().isEmpty());
    }

    @Test
    void plainListingSkipsKeysWhoseNewestVersionIsADeleteMarker() {
        put(meta, version("b", "gone", "v1", 1));
        put(meta, marker("b", "gone", "v2", 2));
        put(meta, marker("b", "back", "v3", 3));
        put(meta, version("b", "back", "v4", 4));
        put(meta, version("b", "kept", "v5", 5));
        assertEquals(List.of("K:back", "K:kept"), list("", ""));
        ListPage page = meta.list(ListRequest.objects("b", "", "", "", 1000));
        assertEquals("v4", page.entries().get(0).version().versionId());
        assertTrue(page.entries().get(0).latest());
    }

    @Test
    void versionsListNewestFirstWithLatestSetAndResumeInsideAKey() {
        put(meta, version("b", "k", "v1", 1));
        put(meta, version("b", "k", "v2", 2));
        put(meta, marker("b", "k", "v3", 3));
        put(meta, version("b", "m", "w1", 4));
        List<String> expected = List.of("K:k:v3:true", "K:k:v2:false", "K:k:v1:false", "K:m:w1:true");
        ListPage all = meta.list(new ListRequest("b", "", "", null, "", 10, true));
        assertEquals(expected, render(all.entries(), true));
        assertTrue(all.entries().get(0).version().deleteMarker());

        ListPage first = meta.list(new ListRequest("b", "", "", null, "", 2, true));
        assertEquals(expected.subList(0, 2), render(first.entries(), true));
        assertEquals("k", first.nextKey());
        assertEquals("v2", first.nextVersion());
        ListPage rest = meta.list(new ListRequest("b", "", first.nextKey(), first.nextVersion(), "", 10, true));
        assertEquals(expected.subList(2, 4), render(rest.entries(), true));
        // every page size yields the same sequence
        for (int size = 1; size <= 5; size++) {
            assertEquals(expected, listAll(meta, "b", "", "", true, size));
        }
        // a null version marker skips all versions of the key
        assertEquals(List.of("K:m:w1:true"),
                render(meta.list(new ListRequest("b", "", "k", null, "", 10, true)).entries(), true));
    }

    @Test
    void longKeysSharingA600BytePrefixListInBinaryOrder() {
        String p = "L".repeat(600);
        String inline = "L".repeat(400);
        List<String> keys = new ArrayList<>(List.of(p + "b", p + "a", p + "a/x", p + "a/y", p + "c", p,
                inline, "L".repeat(399), "L".repeat(399) + "M", p + "é", p + "~", "M",
                "L".repeat(1024), p + "a" + "z".repeat(400)));
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            keys.add(p + randomSuffix(r, 1 + r.nextInt(100)));
        }
        for (String k : keys) {
            putKeys(k);
        }
        List<String> sorted = keys.stream().distinct().sorted(UTF8).map(k -> "K:" + k).toList();
        assertEquals(sorted, list("", ""));
        for (int size : new int[] {1, 3, 7}) {
            assertEquals(sorted, listAll(meta, "b", "", "", false, size));
        }
        for (String k : keys) {
            ObjectVersion v = meta.getVersion("b", k, null).orElseThrow();
            assertEquals(k, v.key());
        }
        // a delimiter past the inline bytes collapses inside the long group, in order
        List<String> underP = list(p, "/");
        assertEquals("K:" + p, underP.get(0));
        assertTrue(underP.contains("P:" + p + "a/"));
        assertFalse(underP.contains("K:" + p + "a/x"));
        List<String> expectedUnderP = expectedListing(keys, p, "/");
        assertEquals(expectedUnderP, underP);
        assertEquals(expectedUnderP, listAll(meta, "b", p, "/", false, 2));
    }

    @Test
    void keysContainingNulAreRejected() {
        ShardException e = assertThrows(ShardException.class, () -> putKeys("a\u0000b"));
        assertEquals(ShardException.Code.INVALID_ARGUMENT, e.code());
    }

    @Test
    void listingAMissingBucketFailsWithNoSuchBucket() {
        ShardException e = assertThrows(ShardException.class,
                () -> meta.list(ListRequest.objects("nope", "", "", "", 10)));
        assertEquals(ShardException.Code.NO_SUCH_BUCKET, e.code());
    }

    @Test
    void randomListingsMatchASortedModel() {
        Random r = new Random(1234);
        String longBase = "L".repeat(600);
        TreeMap<String, TreeMap<Long, ObjectVersion>> model = new TreeMap<>(UTF8);
        for (int i = 0; i < 400; i++) {
            String key = switch (r.nextInt(4)) {
                case 0 -> longBase + randomSuffix(r, 1 + r.nextInt(8));
                case 1 -> "q".repeat(397) + randomSuffix(r, r.nextInt(7));
                default -> randomSuffix(r, 1 + r.nextInt(6));
            };
            long gen = ++generation;
            ObjectVersion v = r.nextInt(6) == 0 ? marker("b", key, "v" + gen, gen) : version("b", key, "v" + gen, gen);
            put(meta, v);
            model.computeIfAbsent(key, k -> new TreeMap<>(Comparator.reverseOrder())).put(gen, v);
            if (r.nextInt(10) == 0) {
                // delete a random existing version
                String victim = model.keySet().stream().skip(r.nextInt(model.size())).findFirst().orElseThrow();
                TreeMap<Long, ObjectVersion> vs = model.get(victim);
                long g = vs.keySet().stream().skip(r.nextInt(vs.size())).findFirst().orElseThrow();
                ObjectVersion removed = meta.deleteVersion("b", victim, vs.get(g).versionId()).value().orElseThrow();
                assertEquals(g, removed.generation());
                vs.remove(g);
                if (vs.isEmpty()) {
                    model.remove(victim);
                }
            }
        }
        String[] prefixes = {"", "a", "/", "é", "q".repeat(398), longBase, longBase + "a", "z~"};
        String[] delimiters = {"", "/", "é"};
        for (String prefix : prefixes) {
            for (String delimiter : delimiters) {
                for (boolean versions : new boolean[] {false, true}) {
                    List<String> expected = expectedFromModel(model, prefix, delimiter, versions);
                    for (int size : new int[] {3, 1000}) {
                        assertEquals(expected, listAll(meta, "b", prefix, delimiter, versions, size),
                                "prefix=" + abbreviate(prefix) + " delimiter=" + delimiter + " versions=" + versions
                                        + " page=" + size);
                    }
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 3) + "...(" + s.length() + ")" : s;
    }

    private static String randomSuffix(Random r, int n) {
        String[] alphabet = {"a", "b", "/", "é", "~", "日", "z", "😀", "\u0001"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    private static List<String> expectedListing(List<String> keys, String prefix, String delimiter) {
        TreeMap<String, TreeMap<Long, ObjectVersion>> model = new TreeMap<>(UTF8);
        for (String k : keys) {
            model.put(k, new TreeMap<>(Map.of(1L, version("b", k, "v", 1))));
        }
        return expectedFromModel(model, prefix, delimiter, false);
    }

    private static List<String> expectedFromModel(TreeMap<String, TreeMap<Long, ObjectVersion>> model, String prefix,
                                                  String delimiter, boolean versions) {
        List<String> out = new ArrayList<>();
        String lastPrefix = null;
        for (var e : model.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                continue;
            }
            if (!delimiter.isEmpty()) {
                int i = key.indexOf(delimiter, prefix.length());
                if (i >= 0) {
                    String cp = key.substring(0, i + delimiter.length());
                    if (!cp.equals(lastPrefix)) {
                        out.add("P:" + cp);
                        lastPrefix = cp;
                    }
                    continue;
                }
            }
            if (versions) {
                boolean first = true;
                for (ObjectVersion v : e.getValue().values()) {
                    out.add("K:" + key + ":" + v.versionId() + ":" + first);
                    first = false;
                }
            } else if (!e.getValue().firstEntry().getValue().deleteMarker()) {
                out.add("K:" + key);
            }
        }
        return out;
    }
}
