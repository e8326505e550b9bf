package io.coffer.shard.contract;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small, synchronized in-memory {@link Shard}: a second subject for the contract tests, so the
 * protocol is checked against two independent implementations. Not used outside tests.
 */
public final class InMemoryShard implements Shard, ControlStore {
    private final String id = UUID.randomUUID().toString();
    private final Map<String, BucketInfo> buckets = new TreeMap<>();
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<SectorId, byte[]> sectors = new HashMap<>();
    private final Map<SectorId, Boolean> committed = new HashMap<>();
    /** bucket -> key -> versions newest first */
    private final Map<String, TreeMap<String, List<ObjectVersion>>> versions = new HashMap<>();
    private final Map<String, MultipartUpload> uploads = new TreeMap<>();
    private final Map<String, TreeMap<Integer, UploadPart>> parts = new HashMap<>();
    private final TreeMap<String, byte[]> control = new TreeMap<>();

    @Override
    public String id() {
        return id;
    }

    private <T> Mono<T> sync(java.util.concurrent.Callable<T> c) {
        return Mono.fromCallable(() -> {
            synchronized (this) {
                return c.call();
            }
        });
    }

    @Override
    public Mono<BucketInfo> createBucket(BucketInfo bucket) {
        return sync(() -> {
            if (buckets.containsKey(bucket.name())) {
                throw new ShardException(Code.BUCKET_EXISTS, bucket.name());
            }
            buckets.put(bucket.name(), bucket);
            versions.put(bucket.name(), new TreeMap<>());
            return bucket;
        });
    }

    @Override
    public Mono<Optional<BucketInfo>> getBucket(String name) {
        return sync(() -> Optional.ofNullable(buckets.get(name)));
    }

    @Override
    public Mono<BucketInfo> updateBucket(BucketInfo bucket) {
        return sync(() -> {
            bucket(bucket.name());
            buckets.put(bucket.name(), bucket);
            return bucket;
        });
    }

    @Override
    public Mono<Void> deleteBucket(String name) {
        return sync(() -> {
            bucket(name);
            boolean hasUploads = uploads.values().stream().anyMatch(u -> u.bucket().equals(name));
            if (!versions.get(name).isEmpty() || hasUploads) {
                throw new ShardException(Code.BUCKET_NOT_EMPTY, name);
            }
            buckets.remove(name);
            versions.remove(name);
            return true;
        }).then();
    }

    @Override
    public Flux<BucketInfo> listBuckets() {
        return sync(() -> List.copyOf(buckets.values())).flatMapIterable(l -> l);
    }

    @Override
    public Mono<Long> nextGeneration(String bucket, long atLeast) {
        return sync(() -> {
            bucket(bucket);
            long next = Math.max(generations.getOrDefault(bucket, 0L), atLeast) + 1;
            generations.put(bucket, next);
            return next;
        });
    }

    @Override
    public Mono<SectorInfo> putSector(SectorId sid, long length, Publisher<ByteBuf> body) {
        return Flux.from(body).collect(ByteArrayOutputStream::new, (out, buf) -> {
            try {
                buf.readBytes(out, buf.readableBytes());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                buf.release();
            }
        }).flatMap(out -> sync(() -> {
            byte[] bytes = out.toByteArray();
            if (bytes.length != length) {
                throw new ShardException(Code.INVALID_ARGUMENT, "got " + bytes.length + " of " + length);
            }
            sectors.put(sid, bytes);
            committed.putIfAbsent(sid, false);
            return info(sid);
        }));
    }

    @Override
    public Flux<ByteBuf> readSector(SectorId sid, long offset, long length) {
        return sync(() -> {
            byte[] b = sectors.get(sid);
            if (b == null) {
                throw new ShardException(Code.NO_SUCH_SECTOR, sid.hex());
            }
            long n = length == -1 ? b.length - offset : length;
            if (offset < 0 || offset > b.length || n < 0 || n > b.length - offset) {
                throw new ShardException(Code.INVALID_ARGUMENT, "range");
            }
            return Arrays.copyOfRange(b, (int) offset, (int) (offset + n));
        }).flatMapMany(b -> b.length == 0 ? Flux.empty() : Flux.range(0, (b.length + 65535) / 65536)
                .map(i -> Unpooled.copiedBuffer(b, i * 65536, Math.min(65536, b.length - i * 65536))));
    }

    @Override
    public Mono<Optional<SectorInfo>> sectorInfo(SectorId sid) {
        return sync(() -> sectors.containsKey(sid) ? Optional.of(info(sid)) : Optional.empty());
    }

    private SectorInfo info(SectorId sid) {
        byte[] b = sectors.get(sid);
        CRC32C crc = new CRC32C();
        crc.update(b);
        return new SectorInfo(sid, b.length, (int) crc.getValue(), committed.get(sid));
    }

    @Override
    public Mono<Void> deleteSector(SectorId sid) {
        return sync(() -> {
            if (!referenced(sid)) {
                sectors.remove(sid);
                committed.remove(sid);
            }
            return true;
        }).then();
    }

    private boolean referenced(SectorId sid) {
        boolean inVersions = versions.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream)
                .anyMatch(v -> v.sectors().stream().anyMatch(r -> r.id().equals(sid)));
        boolean inParts = parts.values().stream().flatMap(m -> m.values().stream())
                .anyMatch(p -> p.sectors().stream().anyMatch(r -> r.id().equals(sid)));
        return inVersions || inParts;
    }

    private void freeUnreferenced(List<SectorRef> refs) {
        for (SectorRef r : refs) {
            if (!referenced(r.id())) {
                sectors.remove(r.id());
                committed.remove(r.id());
            }
        }
    }

    @Override
    public Mono<Optional<ObjectVersion>> putVersion(ObjectVersion v, PutCondition condition, boolean replaceNull) {
        return sync(() -> commit(v, condition, replaceNull));
    }

    private Optional<ObjectVersion> commit(ObjectVersion v, PutCondition condition, boolean replaceNull) {
        bucket(v.bucket());
        for (SectorRef r : v.sectors()) {
            if (!sectors.containsKey(r.id())) {
                throw new ShardException(Code.NO_SUCH_SECTOR, r.id().hex());
            }
        }
        List<ObjectVersion> list = versions.get(v.bucket()).computeIfAbsent(v.key(), k -> new ArrayList<>());
        Optional<ObjectVersion> current = list.stream().findFirst().filter(c -> !c.deleteMarker());
        boolean ok;
        if (condition instanceof PutCondition.IfAbsent) {
            ok = current.isEmpty();
        } else if (condition instanceof PutCondition.IfEtagMatches m) {
            ok = current.map(c -> c.etag().equals(m.etag())).orElse(false);
        } else if (condition instanceof PutCondition.IfGeneration g) {
            ok = current.map(c -> c.generation() == g.generation()).orElse(false);
        } else {
            ok = true;
        }
        if (!ok) {
            if (list.isEmpty()) {
                versions.get(v.bucket()).remove(v.key());
            }
            throw new ShardException(Code.PRECONDITION_FAILED, v.key());
        }
        Optional<ObjectVersion> previous = list.stream().findFirst();
        if (replaceNull) {
            list.stream().filter(o -> o.versionId().equals(ObjectVersion.NULL_VERSION)).findFirst().ifPresent(o -> {
                list.remove(o);
                freeUnreferenced(o.sectors());
            });
        }
        list.add(v);
        list.sort(Comparator.comparingLong(ObjectVersion::generation).reversed());
        generations.merge(v.bucket(), v.generation(), Math::max);
        v.sectors().forEach(r -> committed.put(r.id(), true));
        return previous;
    }

    @Override
    public Mono<Optional<ObjectVersion>> getVersion(String bucket, String key, String versionId) {
        return sync(() -> {
            bucket(bucket);
            List<ObjectVersion> list = versions.get(bucket).getOrDefault(key, List.of());
            return versionId == null ? list.stream().findFirst()
                    : list.stream().filter(v -> v.versionId().equals(versionId)).findFirst();
        });
    }

    @Override
    public Mono<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId) {
        return sync(() -> {
            bucket(bucket);
            List<ObjectVersion> list = versions.get(bucket).get(key);
            if (list == null) {
                return Optional.<ObjectVersion>empty();
            }
            Optional<ObjectVersion> found = list.stream()
                    .filter(v -> versionId == null || v.versionId().equals(versionId)).findFirst();
            found.ifPresent(v -> {
                list.remove(v);
                if (list.isEmpty()) {
                    versions.get(bucket).remove(key);
                }
                freeUnreferenced(v.sectors());
            });
            return found;
        });
    }

    @Override
    public Mono<ListPage> list(ListRequest req) {
        return sync(() -> {
            bucket(req.bucket());
            List<ListEntry> out = new ArrayList<>();
            String lastPrefix = null;
            boolean truncated = false;
            String nextKey = null;
            for (Map.Entry<String, List<ObjectVersion>> e : versions.get(req.bucket()).entrySet()) {
                String key = e.getKey();
                if (!key.startsWith(req.prefix()) || key.compareTo(req.startAfter()) <= 0) {
                    continue;
                }
                if (!req.delimiter().isEmpty()) {
                    int d = key.indexOf(req.delimiter(), req.prefix().length());
                    if (d >= 0) {
                        String p = key.substring(0, d + req.delimiter().length());
                        if (p.equals(lastPrefix) || p.compareTo(req.startAfter()) <= 0) {
                            continue;
                        }
                        if (out.size() == req.maxKeys()) {
                            truncated = true;
                            break;
                        }
                        out.add(ListEntry.prefix(p));
                        lastPrefix = p;
                        nextKey = p;
                        continue;
                    }
                }
                List<ObjectVersion> list = e.getValue();
                if (!req.versions() && list.get(0).deleteMarker()) {
                    continue;
                }
                if (out.size() == req.maxKeys()) {
                    truncated = true;
                    break;
                }
                if (req.versions()) {
                    for (int i = 0; i < list.size(); i++) {
                        out.add(ListEntry.object(list.get(i), i == 0));
                    }
                } else {
                    out.add(ListEntry.object(list.get(0), true));
                }
                nextKey = key;
            }
            return new ListPage(out, truncated, truncated ? nextKey : null, null);
        });
    }

    @Override
    public Mono<Void> createUpload(MultipartUpload upload) {
        return sync(() -> {
            bucket(upload.bucket());
            uploads.put(upload.uploadId(), upload);
            parts.put(upload.uploadId(), new TreeMap<>());
            return true;
        }).then();
    }

    private MultipartUpload upload(String bucket, String key, String uploadId) {
        MultipartUpload u = uploads.get(uploadId);
        if (u == null || !u.bucket().equals(bucket) || !u.key().equals(key)) {
            throw new ShardException(Code.NO_SUCH_UPLOAD, uploadId);
        }
        return u;
    }

    @Override
    public Mono<Optional<MultipartUpload>> getUpload(String bucket, String key, String uploadId) {
        return sync(() -> {
            MultipartUpload u = uploads.get(uploadId);
            return Optional.ofNullable(u).filter(x -> x.bucket().equals(bucket) && x.key().equals(key));
        });
    }

    @Override
    public Mono<Void> putPart(String bucket, String key, UploadPart part) {
        return sync(() -> {
            upload(bucket, key, part.uploadId());
            UploadPart old = parts.get(part.uploadId()).put(part.partNumber(), part);
            part.sectors().forEach(r -> committed.put(r.id(), true));
            if (old != null) {
                freeUnreferenced(old.sectors());
            }
            return true;
        }).then();
    }

    @Override
    public Mono<List<UploadPart>> listParts(String bucket, String key, String uploadId, int marker, int max) {
        return sync(() -> {
            upload(bucket, key, uploadId);
            return parts.get(uploadId).tailMap(marker, false).values().stream().limit(max).toList();
        });
    }

    @Override
    public Mono<List<MultipartUpload>> listUploads(String bucket, String prefix, String keyMarker,
                                                   String uploadIdMarker, int max) {
        return sync(() -> uploads.values().stream()
                .filter(u -> u.bucket().equals(bucket) && u.key().startsWith(prefix == null ? "" : prefix))
                .sorted(Comparator.comparing(MultipartUpload::key).thenComparing(MultipartUpload::uploadId))
                .filter(u -> keyMarker == null || u.key().compareTo(keyMarker) > 0
                        || (u.key().equals(keyMarker) && uploadIdMarker != null && u.uploadId().compareTo(uploadIdMarker) > 0))
                .limit(max).toList());
    }

    @Override
    public Mono<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version,
                                                        PutCondition condition, boolean replaceNull) {
        return sync(() -> {
            upload(version.bucket(), version.key(), uploadId);
            Optional<ObjectVersion> prev = commit(version, condition, replaceNull);
            uploads.remove(uploadId);
            TreeMap<Integer, UploadPart> removed = parts.remove(uploadId);
            removed.values().forEach(p -> freeUnreferenced(p.sectors()));
            return prev;
        });
    }

    @Override
    public Mono<Void> abortUpload(String bucket, String key, String uploadId) {
        return sync(() -> {
            upload(bucket, key, uploadId);
            uploads.remove(uploadId);
            parts.remove(uploadId).values().forEach(p -> freeUnreferenced(p.sectors()));
            return true;
        }).then();
    }

    @Override
    public Mono<ShardStats> stats() {
        return sync(() -> new ShardStats(id, versions.values().stream().mapToLong(Map::size).sum(), sectors.size(),
                committed.values().stream().filter(c -> !c).count(),
                sectors.values().stream().mapToLong(b -> b.length).sum(), 1L << 30, List.of()));
    }

    @Override
    public Mono<Optional<byte[]>> get(String key) {
        return sync(() -> Optional.ofNullable(control.get(key)));
    }

    @Override
    public Mono<Void> put(String key, byte[] value) {
        return sync(() -> control.put(key, value.clone())).then();
    }

    @Override
    public Mono<Boolean> putIfAbsent(String key, byte[] value) {
        return sync(() -> control.putIfAbsent(key, value.clone()) == null);
    }

    @Override
    public Mono<Boolean> delete(String key) {
        return sync(() -> control.remove(key) != null);
    }

    @Override
    public Flux<Map.Entry<String, byte[]>> scan(String prefix) {
        return sync(() -> List.copyOf(control.tailMap(prefix, true).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(prefix)).map(e -> Map.entry(e.getKey(), e.getValue())).toList()))
                .flatMapIterable(l -> l);
    }

    private BucketInfo bucket(String name) {
        BucketInfo b = buckets.get(name);
        if (b == null) {
            throw new ShardException(Code.NO_SUCH_BUCKET, name);
        }
        return b;
    }

    @Override
    public void close() {
    }
}
