package io.coffer.shard.store;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.api.VolumeInfo;
import io.coffer.shard.index.SectorLocationIndex;
import io.coffer.shard.meta.Freed;
import io.coffer.shard.meta.MetaStore;
import io.coffer.shard.meta.SectorRecord;
import io.coffer.shard.meta.SectorState;
import io.coffer.shard.meta.VolumeRecord;
import io.coffer.shard.volume.BufferedSectorWrite;
import io.coffer.shard.volume.Extent;
import io.coffer.shard.volume.GroupCommitter;
import io.coffer.shard.volume.SectorReader;
import io.coffer.shard.volume.SectorWriter;
import io.coffer.shard.volume.Volume;
import io.coffer.shard.volume.VolumeSet;
import io.coffer.shard.volume.WrittenSector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.lmdbjava.LmdbException;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The shard storage engine: LMDB metadata ({@link MetaStore}) plus sector bytes in volume files
 * ({@link VolumeSet}), behind the {@link Shard} API, and the embedded {@link ControlStore}.
 *
 * <p>Every blocking step (LMDB write transaction, listing scan, file I/O, fsync) runs on the store's
 * own bounded scheduler; each LMDB transaction opens, runs and commits inside one callable. Point
 * reads of metadata (a version, a bucket, an upload, a control key, a sector's location) run on
 * the subscribing thread instead, Netty event loops included: an LMDB read never waits for a
 * writer and touches a few memory-mapped pages, so it costs less than the hop to the scheduler
 * (see {@link #pointRead} and docs/decisions/lmdb-reads-on-caller-thread.md).
 *
 * <p>Write path of a sector: allocate an extent (in memory) → stream the body into it → make the
 * volume durable → commit the temporary sector record → acknowledge; the record becomes durable
 * with the next metadata sync, at the latest with the version or part that references it.
 * Sector bytes are therefore durable before the transaction that records them commits. The
 * extent is not recorded before the bytes are durable, because the allocator is rebuilt from the
 * sector records at open: a crash mid-write leaves no record and so no leaked space.
 *
 * <p>Freeing: operations that drop references delete unreferenced sector records in the same
 * transaction, and the extents go back to the allocator only after that transaction is durable, so
 * a crash can never resurrect a record whose bytes were overwritten by a newer sector.
 */
public final class ShardStore implements Shard, ControlStore {
    private static final Logger LOG = LoggerFactory.getLogger(ShardStore.class);
    static final String RECLAIM_JOB = "reclaim-temporary-sectors";
    private static final int RECLAIM_BATCH = 1_000;
    /** How long a delete waits for an in-flight put of the same sector; past it the TTL reclaims. */
    private static final Duration PUT_END_WAIT = Duration.ofSeconds(30);

    private final ShardConfig config;
    private final DataDirLock lock;
    private final Scheduler scheduler;
    private final MetaStore meta;
    private final VolumeSet volumes;
    private final SectorLocationIndex index;
    private final SectorWriter writer;
    private final SectorReader reader;
    private final GroupCommitter committer;
    /** One instance, so the group committer runs it once per batch (it dedupes by identity). */
    private final Runnable metaSync;
    /**
     * Sector puts in flight, each with a signal that fires when the put has really ended (a put
     * the caller cancelled keeps running, see {@link #detached}); {@link #deleteSector} waits on it.
     */
    private final ConcurrentMap<SectorId, Sinks.Empty<Void>> writing = new ConcurrentHashMap<>();
    /** The generation reservation in flight per bucket (see nextGeneration). */
    private final ConcurrentMap<String, Mono<Void>> reservations = new ConcurrentHashMap<>();
    private final Disposable reclaimer;
    private volatile boolean closed;

    private ShardStore(ShardConfig config, DataDirLock lock, Scheduler scheduler, MetaStore meta, VolumeSet volumes,
                       SectorLocationIndex index) {
        this.config = config;
        this.lock = lock;
        this.scheduler = scheduler;
        this.meta = meta;
        this.volumes = volumes;
        this.index = index;
        this.metaSync = meta::sync;
        this.writer = new SectorWriter(volumes, scheduler);
        this.reader = new SectorReader(volumes, scheduler);
        this.committer = new GroupCommitter(volumes, config.fsyncPolicy(), scheduler);
        committer.registerMetadataSync(metaSync);
        committer.registerTransactions(meta.env()::writeBatch);
        this.reclaimer = config.reclaimInterval().isZero() ? null
                : Flux.interval(config.reclaimInterval(), config.reclaimInterval(), scheduler)
                .onBackpressureDrop()
                .concatMap(t -> reclaimExpiredTemporarySectors(Instant.now())
                        .onErrorResume(e -> {
                            LOG.warn("temporary sector reclaim failed; retrying next interval", e);
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    /**
     * Opens (or creates) the shard under {@code dataDir}: LMDB in {@code meta/}, volumes in
     * {@code volumes/}, the sector-location index in {@code index/}. Rebuilds the allocator from
     * the sector records, and the index from LMDB when it was not closed cleanly.
     */
    public static ShardStore open(Path dataDir, ShardConfig config) {
        // one owner per data directory: the allocator lives in memory, so two writers would corrupt it
        DataDirLock lock = DataDirLock.acquire(dataDir);
        Scheduler scheduler = Schedulers.newBoundedElastic(config.schedulerThreads(), config.schedulerQueue(),
                "coffer-store");
        MetaStore meta = null;
        VolumeSet volumes = null;
        try {
            meta = MetaStore.open(dataDir.resolve("meta"), config.initialMapSize(), config.maxMapSize());
            volumes = VolumeSet.open(dataDir, config.volumes());
            List<SectorRecord> sectors = new ArrayList<>();
            meta.forEachSector(sectors::add);
            List<Extent> used = new ArrayList<>(sectors.size());
            for (SectorRecord s : sectors) {
                used.add(extentOf(s));
            }
            volumes.rebuildAllocation(used);
            SectorLocationIndex index = SectorLocationIndex.open(dataDir.resolve("index"), sectors.size(),
                    () -> sectors.stream()
                            .map(s -> (Map.Entry<SectorId, Extent>) new AbstractMap.SimpleImmutableEntry<>(s.id(), extentOf(s)))
                            .iterator());
            ShardStore store = new ShardStore(config, lock, scheduler, meta, volumes, index);
            store.recordVolumes();
            LOG.info("shard {} opened: {} sectors, index {}", meta.shardInfo().shardId(), sectors.size(),
                    index.rebuiltAtOpen() ? "rebuilt" : "clean");
            return store;
        } catch (RuntimeException e) {
            if (volumes != null) {
                volumes.close();
            }
            if (meta != null) {
                meta.close();
            }
            scheduler.dispose();
            lock.close();
            throw e;
        }
    }

    @Override
    public String id() {
        return meta.shardInfo().shardId().toString();
    }

    public ShardConfig config() {
        return config;
    }

    /** The store's bounded scheduler, for callers that must run blocking work next to the store. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Runs a blocking callable on the store's scheduler (an empty Mono if it returns null). */
    public <T> Mono<T> onScheduler(Callable<T> work) {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.error(closedStore());
            }
            return Mono.fromCallable(work).subscribeOn(scheduler);
        }).onErrorMap(ShardStore::toShardException);
    }

    /**
     * Runs a metadata point read on the subscribing thread, which may be a Netty event loop. That is
     * safe because an LMDB read transaction takes no lock a writer holds (MVCC: it reads the last
     * committed snapshot) and a point lookup touches a handful of pages of the memory-mapped file,
     * a few microseconds when they are in the page cache; the hop to the scheduler costs more than
     * that (two thread hand-offs and wake-ups). Chronicle Map lookups are the same kind of mapped
     * memory read. Scans (listings) and everything that writes, fsyncs or reads volume files stay
     * on the scheduler.
     *
     * <p>A caller's continuation may therefore complete synchronously, inside whatever subscribed.
     * The HTTP servers start each exchange in a task of its own because Reactor Netty 1.3.7 loses
     * the read of a keep-alive connection when a queued request is answered inside its handler call
     * (reactor-netty#4361); see docs/decisions/lmdb-reads-on-caller-thread.md.
     */
    private <T> Mono<T> pointRead(Callable<T> read) {
        return Mono.fromCallable(() -> {
            if (closed) {
                throw closedStore();
            }
            return read.call();
        }).onErrorMap(ShardStore::toShardException);
    }

    /** The metadata store (tests, tools and benchmarks). */
    public MetaStore meta() {
        return meta;
    }

    public GroupCommitter committer() {
        return committer;
    }

    public SectorLocationIndex index() {
        return index;
    }

    public VolumeSet volumes() {
        return volumes;
    }

    // ---------------------------------------------------------------- buckets

    @Override
    public Mono<BucketInfo> createBucket(BucketInfo bucket) {
        return durable(() -> meta.createBucket(bucket));
    }

    @Override
    public Mono<Optional<BucketInfo>> getBucket(String name) {
        return pointRead(() -> meta.getBucket(name));
    }

    @Override
    public Mono<BucketInfo> updateBucket(BucketInfo bucket) {
        return durable(() -> meta.updateBucket(bucket));
    }

    @Override
    public Mono<Void> deleteBucket(String name) {
        return durable(() -> {
            meta.deleteBucket(name);
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Flux<BucketInfo> listBuckets() {
        return onScheduler(meta::listBuckets).flatMapIterable(l -> l);
    }

    @Override
    public Mono<Long> nextGeneration(String bucket, long atLeast) {
        return nextGeneration(bucket, atLeast, 0);
    }

    /**
     * From the bucket's durable lease when it has one (no I/O, no hop). Else one reservation per
     * bucket at a time (callers that miss together wait for the same one): reserve a block, wait
     * until it is durable, install it, and try the lease again.
     */
    private Mono<Long> nextGeneration(String bucket, long atLeast, int attempt) {
        return Mono.defer(() -> {
            OptionalLong leased = closed ? OptionalLong.empty() : meta.leasedGeneration(bucket, atLeast);
            if (leased.isPresent()) {
                return Mono.just(leased.getAsLong());
            }
            if (attempt >= 16) {
                // only a bucket deleted and re-created over and over meanwhile gets here
                return Mono.error(new ShardException(Code.UNAVAILABLE, "no generation for bucket " + bucket));
            }
            return reservations.computeIfAbsent(bucket, b -> durable(() -> meta.reserveGenerations(b, atLeast))
                            // installed, then unlisted, before any waiter hears of it: a waiter that
                            // finds the block used up already starts the next reservation
                            .doOnNext(r -> {
                                meta.installGenerations(r);
                                reservations.remove(b);
                            })
                            .doOnError(e -> reservations.remove(b))
                            .then()
                            .cache())
                    .then(nextGeneration(bucket, atLeast, attempt + 1));
        });
    }

    // ---------------------------------------------------------------- sectors

    @Override
    public Mono<SectorInfo> putSector(SectorId id, long length, Publisher<ByteBuf> body) {
        return Mono.defer(() -> {
            if (closed) {
                drain(body);
                return Mono.error(closedStore());
            }
            if (id == null || length < 0) {
                drain(body);
                return Mono.error(new ShardException(Code.INVALID_ARGUMENT, "sector id and length >= 0 required"));
            }
            Sinks.Empty<Void> ended = Sinks.empty();
            if (writing.putIfAbsent(id, ended) != null) {
                drain(body);
                // a retry racing the original write: the caller may try again once it finished
                return Mono.error(new ShardException(Code.UNAVAILABLE, "sector " + id + " is being written"));
            }
            AtomicBoolean handedOff = new AtomicBoolean();
            // a point read on the caller: the write below hops to the scheduler anyway
            return pointRead(() -> meta.sector(id))
                    .flatMap(existing -> {
                        if (existing.isPresent()) {
                            // a retried put of a sector that is already here: same id means same bytes
                            drain(body);
                            if (existing.get().length() != length) {
                                return Mono.error(new ShardException(Code.INVALID_ARGUMENT, "sector " + id
                                        + " exists with " + existing.get().length() + " bytes, not " + length));
                            }
                            return Mono.just(existing.get().info());
                        }
                        handedOff.set(true);
                        return detached(writer.allocateAndWrite(length, body).flatMap(w -> recordSector(id, w))
                                .doFinally(signal -> endWrite(id, ended)));
                    })
                    // before the signal goes downstream, so a caller that saw completion may put again
                    .doOnTerminate(() -> endWrite(id, ended))
                    // a cancel before the write started ends it here; after, the detached write ends it
                    .doOnCancel(() -> {
                        if (!handedOff.get()) {
                            endWrite(id, ended);
                        }
                    });
        }).onErrorMap(ShardStore::toShardException);
    }

    /**
     * Runs a put to its end even if the caller cancels. Until its record commits, a written extent
     * belongs to the put alone, and every cancellation point between the writer and the insert
     * would need its own hand-off ({@link SectorWriter} even frees on a cancel that arrives after
     * it emitted). Instead a cancelled put finishes: the body of a dead connection errors soon (the
     * writer frees the extent), and a completed one leaves a temporary sector that the reclaim job
     * frees after the TTL.
     */
    private static <T> Mono<T> detached(Mono<T> work) {
        return Mono.create(sink -> work.subscribe(sink::success, sink::error));
    }

    /** Steps after the bytes are in the file: volume durable, then the record committed (see below). */
    private Mono<SectorInfo> recordSector(SectorId id, WrittenSector w) {
        Extent e = w.extent();
        SectorRecord record = new SectorRecord(id, e.volumeIndex(), e.offset(), e.length(), w.crc32c(),
                SectorState.TEMPORARY, System.currentTimeMillis());
        // the volume durable and then the record inserted, in one group-commit request
        return committer.transact(Set.of(e.volumeIndex()), () -> meta.insertTemporarySector(record), false)
                .onErrorResume(err -> {
                    volumes.free(e); // nothing references the extent: it was never recorded
                    return Mono.error(err);
                })
                .flatMap(raced -> {
                    if (raced.isPresent()) {
                        volumes.free(e);
                        return Mono.just(raced.get().info());
                    }
                    index.put(id, e);
                    // No fsync of the record here: it is committed (a kill -9 keeps it), and the
                    // version or part that references the sector makes it durable with its own
                    // commit; if power loss took it, that commit fails with NO_SUCH_SECTOR and
                    // nothing is acknowledged. One group-commit wait per sector saved.
                    return Mono.just(record.info());
                });
    }

    @Override
    public Flux<ByteBuf> readSector(SectorId id, long offset, long length) {
        return pointRead(() -> locateExtent(id))
                .flatMapMany(found -> {
                    Extent e = found.orElseThrow(() -> noSuchSector(id));
                    long len = length == -1 && offset >= 0 && offset <= e.length() ? e.length() - offset : length;
                    return reader.read(e, offset, len, ByteBufAllocator.DEFAULT);
                })
                .onErrorMap(ShardStore::toShardException);
    }

    /** Where a sector lives, for zero-copy reads; empty if it does not exist. Blocking-free. */
    public Mono<Optional<SectorRegion>> locate(SectorId id) {
        return pointRead(() -> locateExtent(id).map(e -> {
            Volume v = volumes.volume(e.volumeIndex());
            return new SectorRegion(id, v.channel(), e.volumeIndex(), e.offset(), e.length());
        }));
    }

    /**
     * A zero-copy Netty {@link FileRegion} over {@code [offset, offset + length)} of the sector
     * ({@code length} -1: to the end), for {@code NettyOutbound.sendObject}. Releasing it does not
     * close the volume. Errors: NO_SUCH_SECTOR, INVALID_ARGUMENT for a range outside the sector.
     */
    public Mono<FileRegion> region(SectorId id, long offset, long length) {
        // no file I/O: the region only names the bytes; the transport reads them with sendfile
        return pointRead(() -> {
            Extent e = locateExtent(id).orElseThrow(() -> noSuchSector(id));
            long len = length == -1 && offset >= 0 && offset <= e.length() ? e.length() - offset : length;
            return reader.region(e, offset, len);
        });
    }

    @Override
    public Mono<Optional<SectorInfo>> sectorInfo(SectorId id) {
        return pointRead(() -> meta.sector(id).map(SectorRecord::info));
    }

    @Override
    public Mono<Void> deleteSector(SectorId id) {
        // A failed request deletes the sectors it started; one of them may still be in flight (its
        // caller was cancelled, the put runs on). Deleting before its record lands would find
        // nothing and leave a temporary sector until the TTL, so wait (bounded) for the put to end.
        Sinks.Empty<Void> inFlight = writing.get(id);
        Mono<Void> ended = inFlight == null ? Mono.empty()
                : inFlight.asMono().timeout(PUT_END_WAIT, Mono.empty());
        return ended.then(freeing(() -> meta.deleteSectorIfUnreferenced(id))).then();
    }

    private void endWrite(SectorId id, Sinks.Empty<Void> ended) {
        if (writing.remove(id, ended)) {
            ended.tryEmitEmpty();
        }
    }

    /**
     * Frees every temporary sector older than the TTL at {@code now} that nothing references, in
     * batches; returns how many were freed. Progress is recorded in the jobs DBI.
     */
    public Mono<Integer> reclaimExpiredTemporarySectors(Instant now) {
        long cutoff = now.toEpochMilli() - config.temporarySectorTtl().toMillis();
        return freeing(() -> meta.reclaimTemporary(cutoff, RECLAIM_BATCH, RECLAIM_JOB, now.toEpochMilli()))
                .expand(f -> f.value() < RECLAIM_BATCH ? Mono.empty()
                        : freeing(() -> meta.reclaimTemporary(cutoff, RECLAIM_BATCH, RECLAIM_JOB, now.toEpochMilli())))
                .map(f -> f.sectors().size())
                .reduce(0, Integer::sum);
    }

    // ---------------------------------------------------------------- versions

    @Override
    public Mono<Optional<ObjectVersion>> putVersion(ObjectVersion version, PutCondition condition,
                                                    boolean replaceNullVersion) {
        return freeing(() -> meta.putVersion(version, condition, replaceNullVersion)).map(Freed::value);
    }

    /**
     * The small-object path in one group-commit request: the commit thread writes the sectors' bytes
     * at the start of its batch, the batch's volume fsync makes them durable, the sectors are
     * recorded (committed) with the version in the batch's transaction, and the metadata sync makes
     * that durable: one hand-off to the commit thread and one back, where putSector then putVersion
     * take two batches and four. The ordering guarantee is the same: the bytes are durable before
     * the transaction that records them commits.
     *
     * <p>The extents are freed if the request fails before its transaction step succeeded (nothing
     * references them). After it succeeded, a failure (the batch's commit, the metadata sync) may
     * have left the sectors recorded: their extents are then kept until restart, when allocation is
     * rebuilt from the records, rather than risk handing out space a committed version references.
     */
    @Override
    public Mono<Optional<ObjectVersion>> putVersionWithSectors(ObjectVersion version, PutCondition condition,
                                                               boolean replaceNullVersion, List<NewSector> sectors) {
        if (sectors.isEmpty()) {
            return putVersion(version, condition, replaceNullVersion);
        }
        return Mono.defer(() -> {
            BufferedSectorWrite write = new BufferedSectorWrite(volumes, sectors);
            if (closed) {
                write.release();
                return Mono.error(closedStore());
            }
            for (NewSector s : sectors) {
                if (!version.sectors().contains(new SectorRef(s.id(), s.length()))) {
                    write.release();
                    return Mono.error(new ShardException(Code.INVALID_ARGUMENT,
                            "sector " + s.id() + " of " + s.length() + " bytes is not referenced by the version"));
                }
            }
            AtomicBoolean recorded = new AtomicBoolean();
            Mono<Freed<MetaStore.VersionWithSectors>> whole = committer.transact(write, () -> {
                        recorded.set(false);
                        Freed<MetaStore.VersionWithSectors> f = meta.putVersionWithSectors(version, condition,
                                replaceNullVersion, records(write));
                        recorded.set(true);
                        return f;
                    }, true)
                    .map(f -> {
                        Set<SectorId> alreadyStored = f.value().alreadyStored();
                        List<SectorId> ids = write.ids();
                        List<WrittenSector> written = write.written();
                        for (int i = 0; i < ids.size(); i++) {
                            if (!alreadyStored.contains(ids.get(i))) {
                                index.put(ids.get(i), written.get(i).extent());
                            }
                        }
                        write.free(alreadyStored);
                        release(f.sectors());
                        return f;
                    })
                    .doOnError(e -> {
                        if (!recorded.get()) {
                            write.freeAll();
                        }
                    })
                    .doFinally(signal -> write.release());
            return detached(whole).map(f -> f.value().previous());
        }).onErrorMap(ShardStore::toShardException);
    }

    /** The sector records of a buffered write, after its bytes are in the volumes (on the commit thread). */
    private static List<SectorRecord> records(BufferedSectorWrite write) {
        List<SectorId> ids = write.ids();
        List<WrittenSector> written = write.written();
        long now = System.currentTimeMillis();
        List<SectorRecord> records = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Extent e = written.get(i).extent();
            records.add(new SectorRecord(ids.get(i), e.volumeIndex(), e.offset(), e.length(), written.get(i).crc32c(),
                    SectorState.TEMPORARY, now));
        }
        return records;
    }

    @Override
    public Mono<Optional<ObjectVersion>> getVersion(String bucket, String key, String versionId) {
        return pointRead(() -> meta.getVersion(bucket, key, versionId));
    }

    @Override
    public Mono<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId) {
        return freeing(() -> meta.deleteVersion(bucket, key, versionId)).map(Freed::value);
    }

    @Override
    public Mono<ListPage> list(ListRequest request) {
        return onScheduler(() -> meta.list(request));
    }

    // ---------------------------------------------------------------- multipart

    @Override
    public Mono<Void> createUpload(MultipartUpload upload) {
        return durable(() -> {
            meta.createUpload(upload);
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Mono<Optional<MultipartUpload>> getUpload(String bucket, String key, String uploadId) {
        return pointRead(() -> meta.getUpload(bucket, key, uploadId));
    }

    @Override
    public Mono<Void> putPart(String bucket, String key, UploadPart part) {
        return freeing(() -> meta.putPart(bucket, key, part)).then();
    }

    @Override
    public Mono<List<UploadPart>> listParts(String bucket, String key, String uploadId, int partNumberMarker,
                                            int maxParts) {
        return onScheduler(() -> meta.listParts(bucket, key, uploadId, partNumberMarker, maxParts));
    }

    @Override
    public Mono<List<MultipartUpload>> listUploads(String bucket, String prefix, String keyMarker,
                                                   String uploadIdMarker, int max) {
        return onScheduler(() -> meta.listUploads(bucket, prefix, keyMarker, uploadIdMarker, max));
    }

    @Override
    public Mono<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version,
                                                        PutCondition condition, boolean replaceNullVersion) {
        return freeing(() -> meta.completeUpload(uploadId, version, condition, replaceNullVersion)).map(Freed::value);
    }

    @Override
    public Mono<Void> abortUpload(String bucket, String key, String uploadId) {
        return freeing(() -> meta.abortUpload(bucket, key, uploadId)).then();
    }

    // ---------------------------------------------------------------- control store

    @Override
    public Mono<Optional<byte[]>> get(String key) {
        return pointRead(() -> meta.controlGet(key));
    }

    @Override
    public Mono<Void> put(String key, byte[] value) {
        return durable(() -> {
            meta.controlPut(key, value);
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Mono<Boolean> putIfAbsent(String key, byte[] value) {
        return durable(() -> meta.controlPutIfAbsent(key, value));
    }

    @Override
    public Mono<Boolean> delete(String key) {
        return durable(() -> meta.controlDelete(key));
    }

    @Override
    public Flux<Map.Entry<String, byte[]>> scan(String prefix) {
        return onScheduler(() -> meta.controlScan(prefix == null ? "" : prefix)).flatMapIterable(l -> l);
    }

    // ---------------------------------------------------------------- health

    /** {@code objects} counts stored versions, delete markers included. */
    @Override
    public Mono<ShardStats> stats() {
        return onScheduler(() -> {
            MetaStore.Counts c = meta.counts();
            List<VolumeInfo> info = volumes.info();
            long used = info.stream().mapToLong(VolumeInfo::used).sum();
            return new ShardStats(id(), c.versions(), c.sectors(), c.temporarySectors(), used,
                    volumes.totalCapacity(), info);
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reclaimer != null) {
            reclaimer.dispose();
        }
        committer.close();
        recordVolumes();
        index.close();
        volumes.close();
        meta.close();
        scheduler.dispose();
        lock.close();
    }

    // ---------------------------------------------------------------- internals

    /**
     * A metadata mutation, acknowledged once durable per the fsync policy: under group commit it runs
     * in the next batch's write transaction and is acknowledged after that batch's metadata sync.
     */
    private <T> Mono<T> durable(Callable<T> work) {
        return Mono.defer(() -> closed
                        ? Mono.<T>error(closedStore())
                        : committer.transact(Set.of(), work, true))
                .onErrorMap(ShardStore::toShardException);
    }

    /**
     * A mutation that may free sectors: once the transaction is durable, their index entries go and
     * their extents return to the allocator. It runs to the end even if the caller cancels, since a
     * committed deletion whose extents were never released would leak their space until restart.
     */
    private <T> Mono<Freed<T>> freeing(Callable<Freed<T>> work) {
        Mono<Freed<T>> whole = durable(work).map(f -> {
            release(f.sectors());
            return f;
        });
        return detached(whole).onErrorMap(ShardStore::toShardException);
    }

    private void release(List<SectorRecord> freed) {
        for (SectorRecord s : freed) {
            index.remove(s.id());
            volumes.free(extentOf(s));
        }
    }

    private Optional<Extent> locateExtent(SectorId id) {
        Extent e = index.get(id);
        if (e != null) {
            return Optional.of(e);
        }
        // the index is derived: a miss (e.g. a sector recorded an instant ago) falls back to LMDB
        return meta.sector(id).map(ShardStore::extentOf);
    }

    /** Mirrors the volume set into the volumes DBI, so the metadata alone names every volume file. */
    private void recordVolumes() {
        for (Volume v : volumes.volumes()) {
            meta.putVolume(new VolumeRecord(v.index(), v.id(), v.path().getFileName().toString(), v.capacity(),
                    v.state()));
        }
    }

    private static Extent extentOf(SectorRecord s) {
        return new Extent(s.volumeIndex(), s.offset(), s.length());
    }

    private static ShardException closedStore() {
        return new ShardException(Code.UNAVAILABLE, "shard store is closed");
    }

    private static ShardException noSuchSector(SectorId id) {
        return new ShardException(Code.NO_SUCH_SECTOR, "no such sector " + id);
    }

    private static void drain(Publisher<ByteBuf> body) {
        Flux.from(body).subscribe(ReferenceCountUtil::safeRelease, e -> { });
    }

    /** Failures leave the store as ShardException: bad input is INVALID_ARGUMENT, the rest INTERNAL. */
    static Throwable toShardException(Throwable t) {
        if (t instanceof ShardException) {
            return t;
        }
        if (t instanceof IllegalArgumentException) {
            return new ShardException(Code.INVALID_ARGUMENT, t.getMessage(), t);
        }
        if (t instanceof java.util.concurrent.RejectedExecutionException) {
            return new ShardException(Code.UNAVAILABLE, "shard store is overloaded or closed", t);
        }
        if (t instanceof LmdbException) {
            LOG.error("LMDB failure", t);
        }
        return new ShardException(Code.INTERNAL, "internal shard error", t);
    }
}
