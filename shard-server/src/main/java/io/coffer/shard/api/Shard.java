package io.coffer.shard.api;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A shard: the unit of storage the gateway places objects on. Implemented in-process by the
 * engine ({@code ShardStore}) and over HTTP by {@code RemoteShard}, with the same semantics, so the
 * gateway runs embedded or against remote shards without knowing which.
 *
 * <p>Failures arrive as {@link ShardException} with a {@link ShardException.Code}. Nothing here
 * blocks the caller's thread: blocking work runs on the shard's own scheduler.
 *
 * <p>Buffer ownership: buffers passed in a body publisher are released by the shard; buffers
 * emitted by {@link #readSector} belong to the subscriber, which must release them.
 */
public interface Shard extends AutoCloseable {

    /** Stable id of this shard (a UUID string), persisted with its data. */
    String id();

    // ---- buckets ----

    Mono<BucketInfo> createBucket(BucketInfo bucket);

    /** Empty if the bucket does not exist. */
    Mono<Optional<BucketInfo>> getBucket(String name);

    /** Replaces the bucket's mutable settings (versioning, attributes). */
    Mono<BucketInfo> updateBucket(BucketInfo bucket);

    /** Fails with BUCKET_NOT_EMPTY if any version or open upload remains. */
    Mono<Void> deleteBucket(String name);

    Flux<BucketInfo> listBuckets();

    /**
     * The next generation number of a bucket: strictly greater than every generation this shard
     * has stored or handed out for it, and than {@code atLeast} (how replicas converge).
     */
    Mono<Long> nextGeneration(String bucket, long atLeast);

    // ---- sectors ----

    /**
     * Streams exactly {@code length} bytes into a new temporary sector. Completes once the bytes
     * are durable per the shard's fsync policy. The sector stays temporary (and is reclaimed after a
     * TTL) until a committed version or part references it. Its record is committed but becomes
     * durable only with the next durable metadata commit (normally the version or part that
     * references it): after a power loss in between, that commit fails with NO_SUCH_SECTOR.
     */
    Mono<SectorInfo> putSector(SectorId id, long length, Publisher<ByteBuf> body);

    /** Reads {@code length} bytes from {@code offset} within the sector; -1 length reads to the end. */
    Flux<ByteBuf> readSector(SectorId id, long offset, long length);

    Mono<Optional<SectorInfo>> sectorInfo(SectorId id);

    /** Deletes an unreferenced sector now (a failed upload cleaning up); referenced sectors stay. */
    Mono<Void> deleteSector(SectorId id);

    // ---- object versions (manifests) ----

    /**
     * Commits a version atomically with its condition. If {@code replaceNullVersion} (versioning off
     * or suspended), an existing version with id "null" is replaced. Marks the referenced sectors
     * committed. Returns the version that became current before this one, if any.
     */
    Mono<Optional<ObjectVersion>> putVersion(ObjectVersion version, PutCondition condition, boolean replaceNullVersion);

    /**
     * {@link #putSector} for each of {@code sectors}, then {@link #putVersion}, as one request: the
     * small-object write path. Same guarantees as those two calls in sequence (the sector bytes are
     * durable before the version that references them commits; the version is durable when this
     * completes), but a shard may do it all in one durable commit: the engine writes the bytes, makes
     * them durable and commits the sectors with the version in one group-commit batch, where the two
     * calls cost two batches and several thread hand-offs. A failure leaves no new sector behind
     * (best effort for a remote shard; the TTL on temporary sectors is the backstop). The shard
     * releases every buffer, whatever happens, once this is subscribed: subscribe exactly once.
     *
     * <p>The default is the two calls in sequence (what a remote shard does over its protocol).
     */
    default Mono<Optional<ObjectVersion>> putVersionWithSectors(ObjectVersion version, PutCondition condition,
                                                               boolean replaceNullVersion, List<NewSector> sectors) {
        return Mono.defer(() -> {
            int[] handed = {0};
            return Flux.fromIterable(sectors)
                    .concatMap(s -> {
                        handed[0]++;
                        return putSector(s.id(), s.length(), Mono.just(s.bytes()));
                    })
                    .then(Mono.defer(() -> putVersion(version, condition, replaceNullVersion)))
                    .onErrorResume(e -> Flux.fromIterable(sectors.subList(0, Math.min(handed[0], sectors.size())))
                            .concatMap(s -> deleteSector(s.id()).onErrorResume(ignored -> Mono.empty()))
                            .then(Mono.error(e)))
                    // the sectors never handed to putSector (an earlier one failed) are still ours
                    .doFinally(signal -> sectors.subList(Math.min(handed[0], sectors.size()), sectors.size())
                            .forEach(s -> s.bytes().release()));
        });
    }

    /** The newest version (which may be a delete marker), or a given version when versionId is non-null. */
    Mono<Optional<ObjectVersion>> getVersion(String bucket, String key, String versionId);

    /** Removes one version permanently and frees sectors no longer referenced. Empty if absent. */
    Mono<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId);

    Mono<ListPage> list(ListRequest request);

    // ---- multipart ----

    Mono<Void> createUpload(MultipartUpload upload);

    Mono<Optional<MultipartUpload>> getUpload(String bucket, String key, String uploadId);

    /** Records a part (replacing one with the same number); its sectors become referenced. */
    Mono<Void> putPart(String bucket, String key, UploadPart part);

    /** Parts in part-number order, after {@code partNumberMarker}, at most {@code maxParts}. */
    Mono<List<UploadPart>> listParts(String bucket, String key, String uploadId, int partNumberMarker, int maxParts);

    /** Open uploads of a bucket ordered by (key, uploadId), after the markers, at most max. */
    Mono<List<MultipartUpload>> listUploads(String bucket, String prefix, String keyMarker, String uploadIdMarker, int max);

    /**
     * Atomically commits {@code version} (whose sectors are those of the chosen parts) and removes
     * the upload with all its parts; sectors of parts left out are freed.
     */
    Mono<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version, PutCondition condition,
                                                 boolean replaceNullVersion);

    /** Removes the upload and frees its parts' sectors. Fails with NO_SUCH_UPLOAD if absent. */
    Mono<Void> abortUpload(String bucket, String key, String uploadId);

    // ---- health ----

    Mono<ShardStats> stats();

    @Override
    void close();
}
