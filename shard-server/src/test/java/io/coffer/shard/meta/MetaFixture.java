package io.coffer.shard.meta;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers for tests that drive {@link MetaStore} directly (no volumes needed). */
final class MetaFixture {
    static final long MIB = 1L << 20;

    private MetaFixture() {
    }

    static MetaStore open(Path dir) {
        return MetaStore.open(dir, MIB, 1L << 34);
    }

    static BucketInfo bucket(String name) {
        return new BucketInfo(name, 1L, "", "", Map.of());
    }

    static ObjectVersion version(String bucket, String key, String versionId, long generation) {
        return new ObjectVersion(bucket, key, versionId, generation, false, 10, "e" + generation, generation, null,
                List.of(), new byte[] {(byte) generation});
    }

    static ObjectVersion marker(String bucket, String key, String versionId, long generation) {
        return new ObjectVersion(bucket, key, versionId, generation, true, 0, "", generation, null, List.of(), null);
    }

    static void put(MetaStore m, ObjectVersion v) {
        m.putVersion(v, PutCondition.NONE, false);
    }

    /** Compact rendering of a page's entries: "P:prefix" or "K:key" (plus ":versionId:latest" for versions). */
    static List<String> render(List<ListEntry> entries, boolean versions) {
        List<String> out = new ArrayList<>();
        for (ListEntry e : entries) {
            if (e.commonPrefix()) {
                out.add("P:" + e.key());
            } else if (versions) {
                out.add("K:" + e.key() + ":" + e.version().versionId() + ":" + e.latest());
            } else {
                out.add("K:" + e.key());
            }
        }
        return out;
    }

    /** Every entry of a listing, fetched page by page with resumption markers. */
    static List<String> listAll(MetaStore m, String bucket, String prefix, String delimiter, boolean versions,
                                int pageSize) {
        List<String> all = new ArrayList<>();
        String startAfter = "";
        String startAfterVersion = null;
        for (int pages = 0; pages < 100_000; pages++) {
            ListPage page = m.list(new ListRequest(bucket, prefix, startAfter, startAfterVersion, delimiter, pageSize,
                    versions));
            if (page.entries().size() > pageSize) {
                throw new AssertionError("page of " + page.entries().size() + " > " + pageSize);
            }
            all.addAll(render(page.entries(), versions));
            if (!page.truncated()) {
                return all;
            }
            startAfter = page.nextKey();
            startAfterVersion = page.nextVersion();
        }
        throw new AssertionError("listing did not end");
    }
}
