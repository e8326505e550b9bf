package io.coffer.gateway.s3.list;

import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.Shard;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The k-way merge of shard listings: each shard's pages become one lazy, sorted stream (the next
 * page is fetched only when the merge needs it), the streams merge by key in binary UTF-8 order,
 * and duplicates from replicas collapse: for an object listing the newest generation of each key
 * wins; for a version listing each (key, version id) appears once; a common prefix appears once.
 * The caller takes as many entries as it needs (max-keys + 1 tells it whether it is truncated).
 */
public final class ShardListMerge {
    private ShardListMerge() {
    }

    /**
     * @param pageSize entries asked of each shard per page (max-keys + 1 is enough for one S3 page)
     */
    public static Flux<ListEntry> merge(List<? extends Shard> shards, ListRequest request, int pageSize) {
        if (shards.isEmpty()) {
            return Flux.empty();
        }
        ListRequest paged = new ListRequest(request.bucket(), request.prefix(), request.startAfter(),
                request.startAfterVersion(), request.delimiter(), Math.max(1, pageSize), request.versions());
        @SuppressWarnings("unchecked")
        Flux<ListEntry>[] streams = shards.stream().map(s -> pages(s, paged)).toArray(Flux[]::new);
        Flux<ListEntry> merged = streams.length == 1
                ? streams[0]
                : Flux.mergeComparing(Math.max(1, Math.min(pageSize, 256)), KeyOrder.ENTRIES, streams);
        return request.versions()
                ? merged.distinctUntilChanged(ShardListMerge::versionIdentity)
                : merged.distinctUntilChanged(ListEntry::key);
    }

    /** One shard's listing as a sorted stream, paging on demand. */
    static Flux<ListEntry> pages(Shard shard, ListRequest first) {
        return shard.list(first)
                .expand(page -> page.truncated() && page.nextKey() != null
                        ? shard.list(next(first, page))
                        : Mono.empty())
                .concatMapIterable(ListPage::entries);
    }

    private static ListRequest next(ListRequest r, ListPage page) {
        return new ListRequest(r.bucket(), r.prefix(), page.nextKey(), r.versions() ? page.nextVersion() : null,
                r.delimiter(), r.maxKeys(), r.versions());
    }

    private static Object versionIdentity(ListEntry e) {
        return e.commonPrefix() ? "p:" + e.key() : new VersionKey(e.key(), e.version().versionId());
    }

    private record VersionKey(String key, String versionId) {
        VersionKey {
            Objects.requireNonNull(key);
        }
    }
}
