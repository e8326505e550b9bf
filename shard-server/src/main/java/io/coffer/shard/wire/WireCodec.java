package io.coffer.shard.wire;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.api.VolumeInfo;
import io.coffer.shard.api.VolumeState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Binary encoding of every API record, wire format {@value WireFormat#VERSION}. Fields are written in
 * record-component order; a record that fails its own validation on decode is INVALID_ARGUMENT.
 * Each {@code writeX} appends to a writer; each {@code readX} consumes from a reader.
 */
public final class WireCodec {
    private WireCodec() {
    }

    // ---- buckets ----

    public static void writeBucket(WireWriter w, BucketInfo b) {
        w.writeString(b.name()).writeLong(b.createdMillis()).writeString(b.region()).writeString(b.versioning());
        // sorted so the same bucket always encodes to the same bytes
        Map<String, String> attrs = new TreeMap<>(b.attributes());
        w.writeInt(attrs.size());
        attrs.forEach((k, v) -> w.writeString(k).writeString(v));
    }

    public static BucketInfo readBucket(WireReader r) {
        String name = r.readString();
        long created = r.readLong();
        String region = r.readString();
        String versioning = r.readString();
        int n = r.readCount();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            attrs.put(r.readString(), r.readString());
        }
        return valid(() -> new BucketInfo(name, created, region, versioning, attrs));
    }

    // ---- sectors ----

    public static void writeSectorId(WireWriter w, SectorId id) {
        w.writeLong(id.hi()).writeLong(id.lo());
    }

    public static SectorId readSectorId(WireReader r) {
        return new SectorId(r.readLong(), r.readLong());
    }

    public static void writeSectorInfo(WireWriter w, SectorInfo s) {
        writeSectorId(w, s.id());
        w.writeLong(s.length()).writeInt(s.crc32c()).writeBoolean(s.committed());
    }

    public static SectorInfo readSectorInfo(WireReader r) {
        SectorId id = readSectorId(r);
        long length = r.readLong();
        int crc = r.readInt();
        boolean committed = r.readBoolean();
        return valid(() -> new SectorInfo(id, length, crc, committed));
    }

    static void writeSectorRefs(WireWriter w, List<SectorRef> refs) {
        w.writeInt(refs.size());
        for (SectorRef ref : refs) {
            writeSectorId(w, ref.id());
            w.writeLong(ref.length());
        }
    }

    static List<SectorRef> readSectorRefs(WireReader r) {
        int n = r.readCount();
        List<SectorRef> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SectorId id = readSectorId(r);
            long len = r.readLong();
            refs.add(valid(() -> new SectorRef(id, len)));
        }
        return refs;
    }

    // ---- versions ----

    public static void writeVersion(WireWriter w, ObjectVersion v) {
        w.writeString(v.bucket()).writeString(v.key()).writeString(v.versionId()).writeLong(v.generation())
                .writeBoolean(v.deleteMarker()).writeLong(v.size()).writeString(v.etag())
                .writeLong(v.lastModifiedMillis()).writeString(v.storageClass());
        writeSectorRefs(w, v.sectors());
        w.writeBytes(v.manifest());
    }

    public static ObjectVersion readVersion(WireReader r) {
        String bucket = r.readString();
        String key = r.readString();
        String versionId = r.readString();
        long generation = r.readLong();
        boolean marker = r.readBoolean();
        long size = r.readLong();
        String etag = r.readString();
        long modified = r.readLong();
        String storageClass = r.readString();
        List<SectorRef> sectors = readSectorRefs(r);
        byte[] manifest = r.readBytes();
        return valid(() -> new ObjectVersion(bucket, key, versionId, generation, marker, size, etag, modified,
                storageClass, sectors, manifest));
    }

    public static void writeOptionalVersion(WireWriter w, ObjectVersion v) {
        w.writeBoolean(v != null);
        if (v != null) {
            writeVersion(w, v);
        }
    }

    public static ObjectVersion readOptionalVersion(WireReader r) {
        return r.readBoolean() ? readVersion(r) : null;
    }

    private static final int COND_NONE = 0;
    private static final int COND_IF_ABSENT = 1;
    private static final int COND_IF_ETAG = 2;
    private static final int COND_IF_GENERATION = 3;

    public static void writeCondition(WireWriter w, PutCondition c) {
        if (c instanceof PutCondition.None) {
            w.writeByte(COND_NONE);
        } else if (c instanceof PutCondition.IfAbsent) {
            w.writeByte(COND_IF_ABSENT);
        } else if (c instanceof PutCondition.IfEtagMatches m) {
            w.writeByte(COND_IF_ETAG).writeString(m.etag());
        } else if (c instanceof PutCondition.IfGeneration g) {
            w.writeByte(COND_IF_GENERATION).writeLong(g.generation());
        } else {
            throw new IllegalArgumentException("unknown condition " + c);
        }
    }

    public static PutCondition readCondition(WireReader r) {
        int kind = r.readByte();
        return switch (kind) {
            case COND_NONE -> PutCondition.NONE;
            case COND_IF_ABSENT -> PutCondition.IF_ABSENT;
            case COND_IF_ETAG -> new PutCondition.IfEtagMatches(r.readString());
            case COND_IF_GENERATION -> new PutCondition.IfGeneration(r.readLong());
            default -> throw WireReader.malformed("unknown condition " + kind);
        };
    }

    // ---- listing ----

    public static void writeListPage(WireWriter w, ListPage page) {
        w.writeInt(page.entries().size());
        for (ListEntry e : page.entries()) {
            w.writeString(e.key()).writeBoolean(e.latest()).writeBoolean(e.commonPrefix());
            writeOptionalVersion(w, e.version());
        }
        w.writeBoolean(page.truncated()).writeString(page.nextKey()).writeString(page.nextVersion());
    }

    public static ListPage readListPage(WireReader r) {
        int n = r.readCount();
        List<ListEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = r.readString();
            boolean latest = r.readBoolean();
            boolean prefix = r.readBoolean();
            ObjectVersion v = readOptionalVersion(r);
            entries.add(new ListEntry(key, v, latest, prefix));
        }
        boolean truncated = r.readBoolean();
        String nextKey = r.readString();
        String nextVersion = r.readString();
        return new ListPage(entries, truncated, nextKey, nextVersion);
    }

    // ---- multipart ----

    public static void writeUpload(WireWriter w, MultipartUpload u) {
        w.writeString(u.bucket()).writeString(u.key()).writeString(u.uploadId()).writeLong(u.initiatedMillis())
                .writeBytes(u.state());
    }

    public static MultipartUpload readUpload(WireReader r) {
        String bucket = r.readString();
        String key = r.readString();
        String uploadId = r.readString();
        long initiated = r.readLong();
        byte[] state = r.readBytes();
        return valid(() -> new MultipartUpload(bucket, key, uploadId, initiated, state));
    }

    public static void writePart(WireWriter w, UploadPart p) {
        w.writeString(p.uploadId()).writeInt(p.partNumber()).writeLong(p.size()).writeString(p.etag())
                .writeLong(p.lastModifiedMillis());
        writeSectorRefs(w, p.sectors());
        w.writeBytes(p.state());
    }

    public static UploadPart readPart(WireReader r) {
        String uploadId = r.readString();
        int number = r.readInt();
        long size = r.readLong();
        String etag = r.readString();
        long modified = r.readLong();
        List<SectorRef> sectors = readSectorRefs(r);
        byte[] state = r.readBytes();
        return valid(() -> new UploadPart(uploadId, number, size, etag, modified, sectors, state));
    }

    // ---- stats ----

    public static void writeStats(WireWriter w, ShardStats s) {
        w.writeString(s.shardId()).writeLong(s.objects()).writeLong(s.sectors()).writeLong(s.temporarySectors())
                .writeLong(s.bytesUsed()).writeLong(s.bytesCapacity()).writeInt(s.volumes().size());
        for (VolumeInfo v : s.volumes()) {
            w.writeLong(v.id().getMostSignificantBits()).writeLong(v.id().getLeastSignificantBits())
                    .writeString(v.path()).writeLong(v.capacity()).writeLong(v.used())
                    .writeString(v.state() == null ? null : v.state().name());
        }
    }

    public static ShardStats readStats(WireReader r) {
        String id = r.readString();
        long objects = r.readLong();
        long sectors = r.readLong();
        long temporary = r.readLong();
        long used = r.readLong();
        long capacity = r.readLong();
        int n = r.readCount();
        List<VolumeInfo> volumes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UUID vid = new UUID(r.readLong(), r.readLong());
            String path = r.readString();
            long vcap = r.readLong();
            long vused = r.readLong();
            String state = r.readString();
            volumes.add(new VolumeInfo(vid, path, vcap, vused, state == null ? null : valid(() -> VolumeState.valueOf(state))));
        }
        return new ShardStats(id, objects, sectors, temporary, used, capacity, volumes);
    }

    // ---- control store ----

    public static void writeEntries(WireWriter w, List<Map.Entry<String, byte[]>> entries) {
        w.writeInt(entries.size());
        for (Map.Entry<String, byte[]> e : entries) {
            w.writeString(e.getKey()).writeBytes(e.getValue());
        }
    }

    public static List<Map.Entry<String, byte[]>> readEntries(WireReader r) {
        int n = r.readCount();
        List<Map.Entry<String, byte[]>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Map.entry(r.readString(), r.readBytes()));
        }
        return out;
    }

    /** Builds a record from decoded fields, turning its validation failure into INVALID_ARGUMENT. */
    private static <T> T valid(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT, "invalid record: " + e.getMessage());
        }
    }
}
