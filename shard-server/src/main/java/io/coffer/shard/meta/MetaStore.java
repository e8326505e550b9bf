package io.coffer.shard.meta;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.UploadPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The shard's metadata: every operation is one LMDB transaction over {@link MetaEnv}, opened, run
 * and committed on the calling thread. Writes and scans block and must run on the store's
 * scheduler; point reads ({@link #getVersion}, {@link #getBucket}, {@link #sector}, {@link #getUpload},
 * {@link #controlGet}) never wait for a writer and may run on any thread, event loops included
 * (docs/decisions/lmdb-reads-on-caller-thread.md).
 *
 * <p>Sector space is reference-checked: an operation that drops references collects the sectors it
 * touched and, at the end of the same transaction, deletes those that a range query on the refs DBI
 * shows to be unreferenced, returning them (see {@link Freed}) so the caller can release their
 * extents after the commit.
 */
public final class MetaStore implements AutoCloseable {
    /** Inline key bytes of version rows: 63 (bucket) + 1 + 400 + 1 + 8 (hash) + 8 (generation) = 481 <= 511. */
    static final OrderedKeys VERSION_KEYS = new OrderedKeys(400);
    /** Inline key bytes of upload rows: 63 + 1 + 300 + 1 + 8 + 128 (upload id) = 501 <= 511. */
    static final OrderedKeys UPLOAD_KEYS = new OrderedKeys(300);
    static final int MAX_UPLOAD_ID_BYTES = 128;
    private static final byte[] SHARD_INFO_KEY = "shard".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];

    private final MetaEnv env;
    private final ShardInfo shardInfo;
    private final GenerationLeases generations = new GenerationLeases();
    private final AtomicLong listSeeks = new AtomicLong();
    private final AtomicLong listSteps = new AtomicLong();

    private MetaStore(MetaEnv env) {
        this.env = env;
        this.shardInfo = env.write(txn -> {
            byte[] raw = env.info.get(txn, SHARD_INFO_KEY);
            if (raw != null) {
                ShardInfo existing = ShardInfoCodec.decode(raw);
                if (existing.schemaVersion() > ShardInfo.CURRENT_SCHEMA) {
                    throw new IllegalStateException("metadata schema " + existing.schemaVersion()
                            + " is newer than this build understands (" + ShardInfo.CURRENT_SCHEMA + ")");
                }
                return existing;
            }
            ShardInfo created = new ShardInfo(UUID.randomUUID(), ShardInfo.CURRENT_SCHEMA, System.currentTimeMillis());
            env.info.put(txn, SHARD_INFO_KEY, ShardInfoCodec.encode(created));
            return created;
        });
    }

    public static MetaStore open(Path dir, long initialMapSize, long maxMapSize) {
        MetaEnv env = MetaEnv.open(dir, initialMapSize, maxMapSize);
        try {
            return new MetaStore(env);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    public ShardInfo shardInfo() {
        return shardInfo;
    }

    public MetaEnv env() {
        return env;
    }

    /** Makes every committed transaction durable. */
    public void sync() {
        env.sync();
    }

    // ---------------------------------------------------------------- buckets

    public BucketInfo createBucket(BucketInfo bucket) {
        byte[] name = OrderedKeys.bucketBytes(bucket.name());
        return env.write(txn -> {
            if (env.buckets.get(txn, name) != null) {
                throw new ShardException(Code.BUCKET_EXISTS, "bucket exists: " + bucket.name());
            }
            env.buckets.put(txn, name, BucketCodec.encode(new BucketRecord(bucket, 0)));
            generations.forget(bucket.name());
            return bucket;
        });
    }

    public Optional<BucketInfo> getBucket(String name) {
        return bucketRecord(name).map(BucketRecord::info);
    }

    public Optional<BucketRecord> bucketRecord(String name) {
        byte[] key = OrderedKeys.bucketBytes(name);
        return env.read(txn -> Optional.ofNullable(env.buckets.get(txn, key)).map(BucketCodec::decode));
    }

    /** Replaces versioning and attributes; the name, creation time and region stay. */
    public BucketInfo updateBucket(BucketInfo bucket) {
        return env.write(txn -> {
            BucketRecord r = requireBucket(txn, bucket.name());
            BucketInfo updated = r.info().withVersioning(bucket.versioning()).withAttributes(bucket.attributes());
            putBucket(txn, new BucketRecord(updated, r.generation()));
            return updated;
        });
    }

    public void deleteBucket(String name) {
        env.write(txn -> {
            requireBucket(txn, name);
            byte[] prefix = OrderedKeys.bucketPrefix(name);
            if (hasKeyWithPrefix(txn, env.versions, prefix) || hasKeyWithPrefix(txn, env.uploads, prefix)) {
                throw new ShardException(Code.BUCKET_NOT_EMPTY, "bucket not empty: " + name);
            }
            env.buckets.delete(txn, OrderedKeys.bucketBytes(name));
            generations.forget(name);
            return null;
        });
    }

    public List<BucketInfo> listBuckets() {
        return env.read(txn -> {
            List<BucketInfo> out = new ArrayList<>();
            try (TableCursor c = env.buckets.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    out.add(BucketCodec.decode(c.val()).info());
                }
            }
            return out;
        });
    }

    /**
     * A generation above every one handed out or stored in {@code bucket} and above {@code atLeast},
     * from the bucket's durable lease, without I/O; empty when a new block must be reserved first
     * ({@link #reserveGenerations}). Safe on any thread.
     */
    public OptionalLong leasedGeneration(String bucket, long atLeast) {
        return generations.next(bucket, atLeast);
    }

    /**
     * Reserves a block of generations in the bucket's record (a write transaction, committed without
     * fsync like every other). Once the transaction is durable, {@link #installGenerations} lets
     * {@link #leasedGeneration} hand them out.
     */
    public GenerationReservation reserveGenerations(String bucket, long atLeast) {
        long incarnation = generations.incarnation(bucket);
        return env.write(txn -> {
            BucketRecord r = requireBucket(txn, bucket);
            long first = generations.firstOfReservation(bucket, r.generation(), atLeast);
            long limit = first + GenerationLeases.BLOCK - 1;
            putBucket(txn, r.withGeneration(limit));
            return new GenerationReservation(new GenerationLeases.Reservation(bucket, first, limit, incarnation));
        });
    }

    /** The reservation is durable: the rest of its block may be handed out from memory. */
    public void installGenerations(GenerationReservation reservation) {
        generations.install(reservation.block);
    }

    /** A block of generations reserved by {@link #reserveGenerations}, from {@link #first()}. */
    public static final class GenerationReservation {
        private final GenerationLeases.Reservation block;

        private GenerationReservation(GenerationLeases.Reservation block) {
            this.block = block;
        }

        public long first() {
            return block.first();
        }
    }

    // ---------------------------------------------------------------- sectors

    public Optional<SectorRecord> sector(SectorId id) {
        byte[] key = id.toBytes();
        return env.read(txn -> Optional.ofNullable(env.sectors.get(txn, key)).map(v -> SectorRecordCodec.decode(id, v)));
    }

    /**
     * Records a freshly written sector as temporary. Returns the existing record instead if the id
     * is already taken (the caller then releases its own extent).
     */
    public Optional<SectorRecord> insertTemporarySector(SectorRecord record) {
        if (record.state() != SectorState.TEMPORARY) {
            throw new IllegalArgumentException("new sectors start temporary");
        }
        byte[] key = record.id().toBytes();
        return env.write(txn -> {
            byte[] existing = env.sectors.get(txn, key);
            if (existing != null) {
                return Optional.of(SectorRecordCodec.decode(record.id(), existing));
            }
            env.sectors.put(txn, key, SectorRecordCodec.encode(record));
            env.temporaries.put(txn, temporaryKey(record), EMPTY);
            return Optional.empty();
        });
    }

    /** Deletes the sector if nothing references it; referenced or unknown sectors are left alone. */
    public Freed<Boolean> deleteSectorIfUnreferenced(SectorId id) {
        return env.write(txn -> {
            List<SectorRecord> freed = freeUnreferenced(txn, List.of(id));
            return new Freed<>(!freed.isEmpty(), freed);
        });
    }

    /** True if any version or part references the sector. */
    public boolean isReferenced(SectorId id) {
        return env.read(txn -> hasRef(txn, id));
    }

    /**
     * Frees up to {@code limit} temporary sectors created before {@code cutoffMillis} that nothing
     * references, oldest first, and records the run in the jobs DBI under {@code jobName}.
     */
    public Freed<Integer> reclaimTemporary(long cutoffMillis, int limit, String jobName, long nowMillis) {
        return env.write(txn -> {
            List<byte[]> expired = new ArrayList<>();
            try (TableCursor c = env.temporaries.openCursor(txn)) {
                for (boolean ok = c.first(); ok && expired.size() < limit; ok = c.next()) {
                    byte[] k = c.key();
                    if (readLong(k, 0) >= cutoffMillis) {
                        break;
                    }
                    expired.add(k);
                }
            }
            List<SectorId> candidates = new ArrayList<>();
            for (byte[] k : expired) {
                env.temporaries.delete(txn, k);
                candidates.add(SectorId.fromBytes(k, 8));
            }
            List<SectorRecord> freed = freeUnreferenced(txn, candidates);
            byte[] jobKey = jobName.getBytes(StandardCharsets.UTF_8);
            byte[] rawJob = env.jobs.get(txn, jobKey);
            JobRecord job = rawJob == null ? JobRecord.initial(jobName) : JobCodec.decode(rawJob);
            byte[] position = new byte[8];
            writeLong(position, 0, expired.isEmpty() ? cutoffMillis : readLong(expired.get(expired.size() - 1), 0));
            env.jobs.put(txn, jobKey, JobCodec.encode(job.afterRun(nowMillis, freed.size(), position)));
            return new Freed<>(expired.size(), freed);
        });
    }

    public Optional<JobRecord> job(String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        return env.read(txn -> Optional.ofNullable(env.jobs.get(txn, key)).map(JobCodec::decode));
    }

    /** Visits every sector record in id order (allocator and index rebuilds), in one read transaction. */
    public void forEachSector(Consumer<SectorRecord> visitor) {
        env.read(txn -> {
            try (TableCursor c = env.sectors.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    visitor.accept(SectorRecordCodec.decode(SectorId.fromBytes(c.key(), 0), c.val()));
                }
            }
            return null;
        });
    }

    /** Row counts: versions (including delete markers), sectors, temporary sectors, buckets. */
    public Counts counts() {
        return env.read(txn -> new Counts(env.versions.stat(txn).entries, env.sectors.stat(txn).entries,
                env.temporaries.stat(txn).entries, env.buckets.stat(txn).entries));
    }

    public record Counts(long versions, long sectors, long temporarySectors, long buckets) {
    }

    /**
     * Cross-checks the metadata invariants in one read transaction and describes each violation
     * (at most {@code limit}); empty when consistent. Checked: every sector a version or part names
     * exists and carries that owner's ref; every ref names an existing sector; committed sectors
     * are referenced and temporary ones are not and are indexed by age; no two extents overlap.
     */
    public List<String> audit(int limit) {
        return env.read(txn -> {
            List<String> problems = new ArrayList<>();
            Map<SectorId, SectorRecord> sectors = new HashMap<>();
            try (TableCursor c = env.sectors.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    SectorId id = SectorId.fromBytes(c.key(), 0);
                    sectors.put(id, SectorRecordCodec.decode(id, c.val()));
                }
            }
            try (TableCursor c = env.versions.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    ObjectVersion v = VersionCodec.decode(c.val());
                    auditOwner(txn, sectors, Refs.versionOwner(v.bucket(), v.key(), v.versionId(), v.generation()),
                            v.sectors(), "version " + v.bucket() + "/" + v.key() + "@" + v.versionId(), problems);
                }
            }
            try (TableCursor c = env.parts.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    UploadPart p = PartCodec.decode(c.val());
                    auditOwner(txn, sectors, Refs.partOwner(p.uploadId(), p.partNumber()), p.sectors(),
                            "part " + p.uploadId() + "#" + p.partNumber(), problems);
                }
            }
            Set<SectorId> referenced = new HashSet<>();
            try (TableCursor c = env.refs.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    SectorId id = SectorId.fromBytes(c.key(), 0);
                    referenced.add(id);
                    if (!sectors.containsKey(id)) {
                        problems.add("ref to missing sector " + id);
                    }
                }
            }
            Set<SectorId> aged = new HashSet<>();
            try (TableCursor c = env.temporaries.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    SectorId id = SectorId.fromBytes(c.key(), 8);
                    SectorRecord s = sectors.get(id);
                    if (s == null || s.state() != SectorState.TEMPORARY || s.createdMillis() != readLong(c.key(), 0)) {
                        problems.add("stale temporaries row for " + id);
                    }
                    aged.add(id);
                }
            }
            List<SectorRecord> byPlace = new ArrayList<>(sectors.values());
            for (SectorRecord s : byPlace) {
                boolean hasRef = referenced.contains(s.id());
                if (s.state() == SectorState.COMMITTED && !hasRef) {
                    problems.add("committed sector " + s.id() + " has no reference (leaked space)");
                }
                if (s.state() == SectorState.TEMPORARY && (hasRef || !aged.contains(s.id()))) {
                    problems.add("temporary sector " + s.id() + (hasRef ? " is referenced" : " is not aged"));
                }
            }
            byPlace.sort(Comparator.comparingInt(SectorRecord::volumeIndex)
                    .thenComparingLong(SectorRecord::offset));
            for (int i = 1; i < byPlace.size(); i++) {
                SectorRecord a = byPlace.get(i - 1);
                SectorRecord b = byPlace.get(i);
                if (a.volumeIndex() == b.volumeIndex() && a.offset() + a.length() > b.offset()) {
                    problems.add("sectors " + a.id() + " and " + b.id() + " overlap");
                }
            }
            return problems.size() > limit ? new ArrayList<>(problems.subList(0, limit)) : problems;
        });
    }

    private void auditOwner(Txn<ByteBuffer> txn, Map<SectorId, SectorRecord> sectors, byte[] owner,
                            List<SectorRef> refs, String what, List<String> problems) {
        for (SectorRef r : refs) {
            SectorRecord s = sectors.get(r.id());
            if (s == null) {
                problems.add(what + " names missing sector " + r.id());
            } else if (s.state() != SectorState.COMMITTED) {
                problems.add(what + " names temporary sector " + r.id());
            }
            if (env.refs.get(txn, Refs.key(r.id(), owner)) == null) {
                problems.add(what + " has no ref row for sector " + r.id());
            }
        }
    }

    // ---------------------------------------------------------------- versions

    /**
     * Commits a version after checking {@code condition} against the key's current version, in one
     * transaction. Removes an existing row with the same version id (a retried put) and, if
     * {@code replaceNullVersion}, the key's "null" version. Returns the newest version before.
     */
    public Freed<Optional<ObjectVersion>> putVersion(ObjectVersion v, PutCondition condition, boolean replaceNullVersion) {
        byte[] key = OrderedKeys.keyBytes(v.key());
        OrderedKeys.bucketBytes(v.bucket());
        return env.write(txn -> {
            Set<SectorId> candidates = new LinkedHashSet<>();
            Optional<ObjectVersion> previous = writeVersion(txn, v, key, condition, replaceNullVersion, candidates);
            return new Freed<>(previous, freeUnreferenced(txn, candidates));
        });
    }

    /** What {@link #putVersionWithSectors} did: the version before, and which new sectors were already stored. */
    public record VersionWithSectors(Optional<ObjectVersion> previous, Set<SectorId> alreadyStored) {
        public VersionWithSectors {
            alreadyStored = Set.copyOf(alreadyStored);
        }
    }

    /**
     * Records freshly written sectors and commits a version that references them, in one transaction:
     * the small-object write path. The sectors go in committed, not temporary (the version references
     * them before the transaction ends), so every one must be referenced by {@code v}, with its length.
     * A sector whose id is already recorded with the same length (a retried write) is left as it is and
     * answered in {@code alreadyStored}: the caller frees its own extent for it. Otherwise as
     * {@link #putVersion}; if the condition fails nothing is recorded.
     */
    public Freed<VersionWithSectors> putVersionWithSectors(ObjectVersion v, PutCondition condition,
                                                           boolean replaceNullVersion, List<SectorRecord> fresh) {
        byte[] key = OrderedKeys.keyBytes(v.key());
        OrderedKeys.bucketBytes(v.bucket());
        Map<SectorId, Long> referenced = new HashMap<>();
        for (SectorRef ref : v.sectors()) {
            referenced.put(ref.id(), ref.length());
        }
        for (SectorRecord s : fresh) {
            if (s.state() != SectorState.TEMPORARY) {
                throw new IllegalArgumentException("new sectors start temporary");
            }
            Long length = referenced.get(s.id());
            if (length == null || length != s.length()) {
                throw new ShardException(Code.INVALID_ARGUMENT,
                        "sector " + s.id() + " of " + s.length() + " bytes is not referenced by the version");
            }
        }
        return env.write(txn -> {
            Set<SectorId> existing = new HashSet<>();
            for (SectorRecord s : fresh) {
                byte[] id = s.id().toBytes();
                byte[] raw = env.sectors.get(txn, id);
                if (raw == null) {
                    env.sectors.put(txn, id, SectorRecordCodec.encode(s.committed()));
                } else {
                    existing.add(s.id()); // addRefs below checks its length against the reference
                }
            }
            Set<SectorId> candidates = new LinkedHashSet<>();
            Optional<ObjectVersion> previous = writeVersion(txn, v, key, condition, replaceNullVersion, candidates);
            return new Freed<>(new VersionWithSectors(previous, existing), freeUnreferenced(txn, candidates));
        });
    }

    /**
     * Commits many versions unconditionally in one transaction (bulk import: rebalancing, replica
     * repair, tests). Each behaves like {@code putVersion(v, NONE, false)}.
     */
    public Freed<Integer> putVersions(List<ObjectVersion> versions) {
        List<byte[]> keys = new ArrayList<>(versions.size());
        for (ObjectVersion v : versions) {
            keys.add(OrderedKeys.keyBytes(v.key()));
        }
        return env.write(txn -> {
            Set<SectorId> candidates = new LinkedHashSet<>();
            for (int i = 0; i < versions.size(); i++) {
                writeVersion(txn, versions.get(i), keys.get(i), PutCondition.NONE, false, candidates);
            }
            return new Freed<>(versions.size(), freeUnreferenced(txn, candidates));
        });
    }

    /**
     * The newest version of a key (maybe a delete marker), or the one with {@code versionId}. Rows
     * of the key are walked newest first and only the one returned is decoded: the newest is the
     * first row, and other rows are matched by their version id alone.
     */
    public Optional<ObjectVersion> getVersion(String bucket, String key, String versionId) {
        byte[] k = OrderedKeys.keyBytes(key);
        byte[] bp = OrderedKeys.bucketPrefix(bucket);
        return env.read(txn -> {
            try (TableCursor c = env.versions.openCursor(txn)) {
                OrderedCursor oc = new OrderedCursor(c, VERSION_KEYS, bp, VersionCodec::keyBytes);
                oc.seekKey(k);
                OrderedCursor.Row row;
                while ((row = oc.next()) != null && Arrays.equals(row.key(), k)) {
                    if (versionId == null || VersionCodec.hasVersionId(row.value(), versionId)) {
                        return Optional.of(VersionCodec.decode(row.value()));
                    }
                }
                return Optional.empty();
            }
        });
    }

    /** Removes one version (the newest if {@code versionId} is null) and frees unreferenced sectors. */
    public Freed<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId) {
        byte[] k = OrderedKeys.keyBytes(key);
        byte[] bp = OrderedKeys.bucketPrefix(bucket);
        return env.write(txn -> {
            for (VersionRow r : versionRows(txn, bp, k)) {
                if (versionId == null || versionId.equals(r.version.versionId())) {
                    Set<SectorId> candidates = new LinkedHashSet<>();
                    removeVersionRow(txn, r, candidates);
                    return new Freed<>(Optional.of(r.version), freeUnreferenced(txn, candidates));
                }
            }
            return new Freed<>(Optional.<ObjectVersion>empty(), List.of());
        });
    }

    public ListPage list(ListRequest request) {
        byte[] bp = OrderedKeys.bucketPrefix(request.bucket());
        return env.read(txn -> {
            requireBucket(txn, request.bucket());
            try (TableCursor c = env.versions.openCursor(txn)) {
                OrderedCursor oc = new OrderedCursor(c, VERSION_KEYS, bp, VersionCodec::keyBytes);
                ListPage page = new VersionListing(oc, request).page();
                listSeeks.addAndGet(oc.seeks());
                listSteps.addAndGet(oc.steps());
                return page;
            }
        });
    }

    /** Cursor seeks made by listings since open: lets tests prove sub-trees are skipped, not walked. */
    public long listSeeks() {
        return listSeeks.get();
    }

    /** Cursor steps (next) made by listings since open. */
    public long listSteps() {
        return listSteps.get();
    }

    // ---------------------------------------------------------------- multipart

    public void createUpload(MultipartUpload u) {
        byte[] rowKey = uploadRowKey(u.bucket(), u.key(), u.uploadId());
        env.write(txn -> {
            requireBucket(txn, u.bucket());
            env.uploads.put(txn, rowKey, UploadCodec.encode(u));
            return null;
        });
    }

    public Optional<MultipartUpload> getUpload(String bucket, String key, String uploadId) {
        byte[] rowKey = uploadRowKey(bucket, key, uploadId);
        return env.read(txn -> findUpload(txn, rowKey, key));
    }

    /** Records a part, replacing one with the same number; the replaced part's sectors may be freed. */
    public Freed<Void> putPart(String bucket, String key, UploadPart part) {
        byte[] rowKey = uploadRowKey(bucket, key, part.uploadId());
        return env.write(txn -> {
            requireUpload(txn, rowKey, key, part.uploadId());
            Set<SectorId> candidates = new LinkedHashSet<>();
            byte[] partKey = partKey(part.uploadId(), part.partNumber());
            byte[] old = env.parts.get(txn, partKey);
            byte[] owner = Refs.partOwner(part.uploadId(), part.partNumber());
            if (old != null) {
                removeRefs(txn, owner, PartCodec.decode(old).sectors(), candidates);
            }
            addRefs(txn, owner, part.sectors());
            env.parts.put(txn, partKey, PartCodec.encode(part));
            return new Freed<Void>(null, freeUnreferenced(txn, candidates));
        });
    }

    public List<UploadPart> listParts(String bucket, String key, String uploadId, int partNumberMarker, int maxParts) {
        byte[] rowKey = uploadRowKey(bucket, key, uploadId);
        return env.read(txn -> {
            requireUpload(txn, rowKey, key, uploadId);
            List<UploadPart> out = new ArrayList<>();
            byte[] prefix = partPrefix(uploadId);
            try (TableCursor c = env.parts.openCursor(txn)) {
                boolean ok = c.get(partKey(uploadId, Math.max(0, partNumberMarker) + 1), GetOp.MDB_SET_RANGE);
                for (; ok && out.size() < maxParts && OrderedKeys.startsWith(c.key(), prefix); ok = c.next()) {
                    out.add(PartCodec.decode(c.val()));
                }
            }
            return out;
        });
    }

    /** Open uploads ordered by (key, uploadId) after the markers, keys starting with {@code prefix}. */
    public List<MultipartUpload> listUploads(String bucket, String prefix, String keyMarker, String uploadIdMarker,
                                             int max) {
        byte[] bp = OrderedKeys.bucketPrefix(bucket);
        byte[] p = OrderedKeys.keyBytes(prefix == null ? "" : prefix);
        byte[] marker = OrderedKeys.keyBytes(keyMarker == null ? "" : keyMarker);
        byte[] idMarker = (uploadIdMarker == null ? "" : uploadIdMarker).getBytes(StandardCharsets.UTF_8);
        return env.read(txn -> {
            requireBucket(txn, bucket);
            List<MultipartUpload> out = new ArrayList<>();
            try (TableCursor c = env.uploads.openCursor(txn)) {
                OrderedCursor oc = new OrderedCursor(c, UPLOAD_KEYS, bp, UploadCodec::keyBytes);
                boolean resumeInside = marker.length > 0 && idMarker.length > 0;
                if (marker.length > 0 && Arrays.compareUnsigned(marker, p) >= 0) {
                    if (resumeInside) {
                        oc.seekKey(marker);
                    } else {
                        oc.seekAfterKey(marker);
                    }
                } else {
                    oc.seekKey(p);
                }
                OrderedCursor.Row row;
                while (out.size() < max && (row = oc.next()) != null) {
                    if (!OrderedKeys.startsWith(row.key(), p)) {
                        if (Arrays.compareUnsigned(row.key(), p) < 0) {
                            continue;
                        }
                        break;
                    }
                    if (resumeInside && Arrays.equals(row.key(), marker)
                            && Arrays.compareUnsigned(row.suffix(), idMarker) <= 0) {
                        continue;
                    }
                    out.add(UploadCodec.decode(row.value()));
                }
            }
            return out;
        });
    }

    /**
     * Commits {@code version} as the result of the upload and removes the upload and all its parts
     * in one transaction. References move from the parts to the version; sectors of parts the
     * version does not use are freed.
     */
    public Freed<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version, PutCondition condition,
                                                         boolean replaceNullVersion) {
        byte[] rowKey = uploadRowKey(version.bucket(), version.key(), uploadId);
        byte[] key = OrderedKeys.keyBytes(version.key());
        return env.write(txn -> {
            requireUpload(txn, rowKey, version.key(), uploadId);
            Set<SectorId> candidates = new LinkedHashSet<>();
            removeParts(txn, uploadId, candidates);
            env.uploads.delete(txn, rowKey);
            Optional<ObjectVersion> previous = writeVersion(txn, version, key, condition, replaceNullVersion, candidates);
            return new Freed<>(previous, freeUnreferenced(txn, candidates));
        });
    }

    public Freed<Void> abortUpload(String bucket, String key, String uploadId) {
        byte[] rowKey = uploadRowKey(bucket, key, uploadId);
        return env.write(txn -> {
            requireUpload(txn, rowKey, key, uploadId);
            Set<SectorId> candidates = new LinkedHashSet<>();
            removeParts(txn, uploadId, candidates);
            env.uploads.delete(txn, rowKey);
            return new Freed<Void>(null, freeUnreferenced(txn, candidates));
        });
    }

    // ---------------------------------------------------------------- control records

    public Optional<byte[]> controlGet(String key) {
        byte[] k = controlKey(key);
        return env.read(txn -> Optional.ofNullable(env.control.get(txn, k)));
    }

    public void controlPut(String key, byte[] value) {
        byte[] k = controlKey(key);
        env.write(txn -> env.control.put(txn, k, value));
    }

    public boolean controlPutIfAbsent(String key, byte[] value) {
        byte[] k = controlKey(key);
        return env.write(txn -> {
            if (env.control.get(txn, k) != null) {
                return false;
            }
            env.control.put(txn, k, value);
            return true;
        });
    }

    public boolean controlDelete(String key) {
        byte[] k = controlKey(key);
        return env.write(txn -> env.control.delete(txn, k));
    }

    public List<Map.Entry<String, byte[]>> controlScan(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return env.read(txn -> {
            List<Map.Entry<String, byte[]>> out = new ArrayList<>();
            try (TableCursor c = env.control.openCursor(txn)) {
                boolean ok = p.length == 0 ? c.first() : c.get(p, GetOp.MDB_SET_RANGE);
                for (; ok && OrderedKeys.startsWith(c.key(), p); ok = c.next()) {
                    out.add(new AbstractMap.SimpleImmutableEntry<>(new String(c.key(), StandardCharsets.UTF_8), c.val()));
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- volumes

    public void putVolume(VolumeRecord v) {
        byte[] k = intKey(v.index());
        env.write(txn -> env.volumes.put(txn, k, VolumeRecordCodec.encode(v)));
    }

    public List<VolumeRecord> volumes() {
        return env.read(txn -> {
            List<VolumeRecord> out = new ArrayList<>();
            try (TableCursor c = env.volumes.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) {
                    out.add(VolumeRecordCodec.decode(c.val()));
                }
            }
            return out;
        });
    }

    @Override
    public void close() {
        env.close();
    }

    // ---------------------------------------------------------------- inside transactions

    private record VersionRow(byte[] rawKey, ObjectVersion version) {
    }

    /** All versions of one key, newest first. */
    private List<VersionRow> versionRows(Txn<ByteBuffer> txn, byte[] bucketPrefix, byte[] key) {
        List<VersionRow> rows = new ArrayList<>();
        try (TableCursor c = env.versions.openCursor(txn)) {
            OrderedCursor oc = new OrderedCursor(c, VERSION_KEYS, bucketPrefix, VersionCodec::keyBytes);
            oc.seekKey(key);
            OrderedCursor.Row row;
            while ((row = oc.next()) != null && Arrays.equals(row.key(), key)) {
                rows.add(new VersionRow(row.rawKey(), VersionCodec.decode(row.value())));
            }
        }
        return rows;
    }

    private Optional<ObjectVersion> writeVersion(Txn<ByteBuffer> txn, ObjectVersion v, byte[] key, PutCondition condition,
                                                 boolean replaceNullVersion, Set<SectorId> candidates) {
        BucketRecord bucket = requireBucket(txn, v.bucket());
        byte[] bp = OrderedKeys.bucketPrefix(v.bucket());
        List<VersionRow> rows = versionRows(txn, bp, key);
        Optional<ObjectVersion> previous = rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).version);
        check(condition, previous.filter(p -> !p.deleteMarker()));
        byte[] rowKey = VERSION_KEYS.rowKey(bp, key, invertedGeneration(v.generation()));
        for (VersionRow r : rows) {
            boolean sameId = r.version.versionId().equals(v.versionId());
            boolean nullToReplace = replaceNullVersion && ObjectVersion.NULL_VERSION.equals(r.version.versionId());
            if (sameId || nullToReplace || Arrays.equals(r.rawKey, rowKey)) {
                removeVersionRow(txn, r, candidates);
            }
        }
        addRefs(txn, Refs.versionOwner(v.bucket(), v.key(), v.versionId(), v.generation()), v.sectors());
        env.versions.put(txn, rowKey, VersionCodec.encode(v));
        if (v.generation() > bucket.generation()) {
            putBucket(txn, bucket.withGeneration(v.generation()));
        }
        generations.observe(v.bucket(), v.generation());
        return previous;
    }

    private static void check(PutCondition condition, Optional<ObjectVersion> current) {
        boolean ok;
        if (condition == null || condition instanceof PutCondition.None) {
            ok = true;
        } else if (condition instanceof PutCondition.IfAbsent) {
            ok = current.isEmpty();
        } else if (condition instanceof PutCondition.IfEtagMatches m) {
            ok = current.isPresent() && etagEquals(current.get().etag(), m.etag());
        } else if (condition instanceof PutCondition.IfGeneration g) {
            ok = current.map(ObjectVersion::generation).orElse(0L) == g.generation();
        } else {
            throw new ShardException(Code.INVALID_ARGUMENT, "unknown condition " + condition);
        }
        if (!ok) {
            throw new ShardException(Code.PRECONDITION_FAILED, "precondition failed");
        }
    }

    /** ETags compare without the quotes S3 puts around them, and "*" matches any existing object. */
    private static boolean etagEquals(String stored, String wanted) {
        String w = unquote(wanted);
        return "*".equals(w) || unquote(stored).equals(w);
    }

    private static String unquote(String s) {
        String t = s == null ? "" : s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private void removeVersionRow(Txn<ByteBuffer> txn, VersionRow r, Set<SectorId> candidates) {
        env.versions.delete(txn, r.rawKey);
        ObjectVersion v = r.version;
        removeRefs(txn, Refs.versionOwner(v.bucket(), v.key(), v.versionId(), v.generation()), v.sectors(), candidates);
    }

    private void removeParts(Txn<ByteBuffer> txn, String uploadId, Set<SectorId> candidates) {
        byte[] prefix = partPrefix(uploadId);
        List<UploadPart> parts = new ArrayList<>();
        try (TableCursor c = env.parts.openCursor(txn)) {
            for (boolean ok = c.get(prefix, GetOp.MDB_SET_RANGE); ok && OrderedKeys.startsWith(c.key(), prefix);
                 ok = c.next()) {
                parts.add(PartCodec.decode(c.val()));
            }
        }
        for (UploadPart p : parts) {
            env.parts.delete(txn, partKey(uploadId, p.partNumber()));
            removeRefs(txn, Refs.partOwner(uploadId, p.partNumber()), p.sectors(), candidates);
        }
    }

    /** References every sector from {@code owner}; they must exist, and become committed. */
    private void addRefs(Txn<ByteBuffer> txn, byte[] owner, List<SectorRef> refs) {
        for (SectorRef ref : refs) {
            byte[] id = ref.id().toBytes();
            byte[] raw = env.sectors.get(txn, id);
            if (raw == null) {
                throw new ShardException(Code.NO_SUCH_SECTOR, "no such sector " + ref.id());
            }
            SectorRecord s = SectorRecordCodec.decode(ref.id(), raw);
            if (s.length() != ref.length()) {
                throw new ShardException(Code.INVALID_ARGUMENT,
                        "sector " + ref.id() + " has " + s.length() + " bytes, reference says " + ref.length());
            }
            if (s.state() == SectorState.TEMPORARY) {
                env.sectors.put(txn, id, SectorRecordCodec.encode(s.committed()));
                env.temporaries.delete(txn, temporaryKey(s));
            }
            env.refs.put(txn, Refs.key(ref.id(), owner), EMPTY);
        }
    }

    private void removeRefs(Txn<ByteBuffer> txn, byte[] owner, List<SectorRef> refs, Set<SectorId> candidates) {
        for (SectorRef ref : refs) {
            env.refs.delete(txn, Refs.key(ref.id(), owner));
            candidates.add(ref.id());
        }
    }

    private boolean hasRef(Txn<ByteBuffer> txn, SectorId id) {
        byte[] prefix = id.toBytes();
        try (TableCursor c = env.refs.openCursor(txn)) {
            return c.get(prefix, GetOp.MDB_SET_RANGE) && OrderedKeys.startsWith(c.key(), prefix);
        }
    }

    /** Deletes the candidates that exist and have no reference left; returns what it deleted. */
    private List<SectorRecord> freeUnreferenced(Txn<ByteBuffer> txn, Iterable<SectorId> candidates) {
        List<SectorRecord> freed = new ArrayList<>();
        for (SectorId id : candidates) {
            byte[] key = id.toBytes();
            byte[] raw = env.sectors.get(txn, key);
            if (raw == null || hasRef(txn, id)) {
                continue;
            }
            SectorRecord s = SectorRecordCodec.decode(id, raw);
            env.sectors.delete(txn, key);
            if (s.state() == SectorState.TEMPORARY) {
                env.temporaries.delete(txn, temporaryKey(s));
            }
            freed.add(s);
        }
        return freed;
    }

    private BucketRecord requireBucket(Txn<ByteBuffer> txn, String name) {
        byte[] raw = env.buckets.get(txn, OrderedKeys.bucketBytes(name));
        if (raw == null) {
            throw new ShardException(Code.NO_SUCH_BUCKET, "no such bucket: " + name);
        }
        return BucketCodec.decode(raw);
    }

    private void putBucket(Txn<ByteBuffer> txn, BucketRecord r) {
        env.buckets.put(txn, OrderedKeys.bucketBytes(r.info().name()), BucketCodec.encode(r));
    }

    private Optional<MultipartUpload> findUpload(Txn<ByteBuffer> txn, byte[] rowKey, String key) {
        byte[] raw = env.uploads.get(txn, rowKey);
        if (raw == null) {
            return Optional.empty();
        }
        MultipartUpload u = UploadCodec.decode(raw);
        // a long key's row holds only a hash of its tail: confirm it is really this key
        return u.key().equals(key) ? Optional.of(u) : Optional.empty();
    }

    private MultipartUpload requireUpload(Txn<ByteBuffer> txn, byte[] rowKey, String key, String uploadId) {
        return findUpload(txn, rowKey, key)
                .orElseThrow(() -> new ShardException(Code.NO_SUCH_UPLOAD, "no such upload " + uploadId));
    }

    private boolean hasKeyWithPrefix(Txn<ByteBuffer> txn, Table dbi, byte[] prefix) {
        try (TableCursor c = dbi.openCursor(txn)) {
            return c.get(prefix, GetOp.MDB_SET_RANGE) && OrderedKeys.startsWith(c.key(), prefix);
        }
    }

    private static byte[] uploadRowKey(String bucket, String key, String uploadId) {
        byte[] id = uploadIdBytes(uploadId);
        return UPLOAD_KEYS.rowKey(OrderedKeys.bucketPrefix(bucket), OrderedKeys.keyBytes(key), id);
    }

    private static byte[] uploadIdBytes(String uploadId) {
        byte[] id = uploadId.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > MAX_UPLOAD_ID_BYTES) {
            throw new ShardException(Code.INVALID_ARGUMENT, "upload id must be 1.." + MAX_UPLOAD_ID_BYTES + " bytes");
        }
        for (byte b : id) {
            if (b == 0) {
                throw new ShardException(Code.INVALID_ARGUMENT, "upload id contains U+0000");
            }
        }
        return id;
    }

    private static byte[] partPrefix(String uploadId) {
        byte[] id = uploadIdBytes(uploadId);
        return Arrays.copyOf(id, id.length + 1);
    }

    private static byte[] partKey(String uploadId, int partNumber) {
        byte[] p = partPrefix(uploadId);
        byte[] k = Arrays.copyOf(p, p.length + 4);
        writeInt(k, p.length, partNumber);
        return k;
    }

    private static byte[] temporaryKey(SectorRecord s) {
        byte[] k = new byte[24];
        writeLong(k, 0, s.createdMillis());
        s.id().writeTo(k, 8);
        return k;
    }

    private static byte[] controlKey(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length == 0 || k.length > 500) {
            throw new ShardException(Code.INVALID_ARGUMENT, "control key must be 1..500 bytes");
        }
        return k;
    }

    private static byte[] intKey(int v) {
        byte[] k = new byte[4];
        writeInt(k, 0, v);
        return k;
    }

    /** Generations sort newest first: the bitwise complement of a positive long orders descending. */
    static byte[] invertedGeneration(long generation) {
        byte[] b = new byte[8];
        writeLong(b, 0, ~generation);
        return b;
    }

    private static void writeInt(byte[] b, int off, int v) {
        for (int i = 3; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
