package io.coffer.benchmarks.list;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.api.UploadPart;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A shard that only lists: it answers {@link #list} from a sorted in-memory array of entries (one
 * current version per key, ASCII keys, so String order is binary UTF-8 order), synchronously, so
 * that a benchmark of the gateway's listing merge measures the merge and not a shard's scan (the
 * LMDB scan has its own suite). Pages are built as a shard builds them: a fresh {@link ListPage}
 * of at most maxKeys entries after {@code startAfter}. Everything else is unsupported.
 */
final class ListingShard implements Shard {
    private final String id;
    private final String[] keys;
    private final ListEntry[] entries;

    /** @param entries sorted by key, one per key */
    ListingShard(String id, List<ListEntry> entries) {
        this.id = id;
        this.entries = entries.toArray(ListEntry[]::new);
        this.keys = entries.stream().map(ListEntry::key).toArray(String[]::new);
    }

    int size() {
        return entries.length;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Mono<ListPage> list(ListRequest request) {
        return Mono.fromSupplier(() -> {
            int from = request.startAfter().isEmpty() ? 0 : Arrays.binarySearch(keys, request.startAfter());
            from = from < 0 ? -from - 1 : (request.startAfter().isEmpty() ? 0 : from + 1);
            int to = (int) Math.min(entries.length, (long) from + request.maxKeys());
            boolean truncated = to < entries.length;
            return new ListPage(Arrays.asList(entries).subList(from, to), truncated,
                    truncated && to > from ? keys[to - 1] : null, null);
        });
    }

    private static <T> T unsupported() {
        throw new UnsupportedOperationException("a listing-only benchmark shard");
    }

    @Override
    public Mono<BucketInfo> createBucket(BucketInfo bucket) {
        return unsupported();
    }

    @Override
    public Mono<Optional<BucketInfo>> getBucket(String name) {
        return unsupported();
    }

    @Override
    public Mono<BucketInfo> updateBucket(BucketInfo bucket) {
        return unsupported();
    }

    @Override
    public Mono<Void> deleteBucket(String name) {
        return unsupported();
    }

    @Override
    public Flux<BucketInfo> listBuckets() {
        return unsupported();
    }

    @Override
    public Mono<Long> nextGeneration(String bucket, long atLeast) {
        return unsupported();
    }

    @Override
    public Mono<SectorInfo> putSector(SectorId id, long length, Publisher<ByteBuf> body) {
        return unsupported();
    }

    @Override
    public Flux<ByteBuf> readSector(SectorId id, long offset, long length) {
        return unsupported();
    }

    @Override
    public Mono<Optional<SectorInfo>> sectorInfo(SectorId id) {
        return unsupported();
    }

    @Override
    public Mono<Void> deleteSector(SectorId id) {
        return unsupported();
    }

    @Override
    public Mono<Optional<ObjectVersion>> putVersion(ObjectVersion version, PutCondition condition,
                                                    boolean replaceNullVersion) {
        return unsupported();
    }

    @Override
    public Mono<Optional<ObjectVersion>> getVersion(String bucket, String key, String versionId) {
        return unsupported();
    }

    @Override
    public Mono<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId) {
        return unsupported();
    }

    @Override
    public Mono<Void> createUpload(MultipartUpload upload) {
        return unsupported();
    }

    @Override
    public Mono<Optional<MultipartUpload>> getUpload(String bucket, String key, String uploadId) {
        return unsupported();
    }

    @Override
    public Mono<Void> putPart(String bucket, String key, UploadPart part) {
        return unsupported();
    }

    @Override
    public Mono<List<UploadPart>> listParts(String bucket, String key, String uploadId, int partNumberMarker,
                                           int maxParts) {
        return unsupported();
    }

    @Override
    public Mono<List<MultipartUpload>> listUploads(String bucket, String prefix, String keyMarker,
                                                   String uploadIdMarker, int max) {
        return unsupported();
    }

    @Override
    public Mono<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version,
                                                        PutCondition condition, boolean replaceNullVersion) {
        return unsupported();
    }

    @Override
    public Mono<Void> abortUpload(String bucket, String key, String uploadId) {
        return unsupported();
    }

    @Override
    public Mono<ShardStats> stats() {
        return unsupported();
    }

    @Override
    public void close() {
    }
}
