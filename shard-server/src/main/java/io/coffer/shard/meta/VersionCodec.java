package io.coffer.shard.meta;

import io.coffer.shard.api.ObjectVersion;

/**
 * Value of the versions DBI. It carries the full bucket and key, because the LMDB key holds only a
 * truncated prefix of long object keys (see {@link OrderedKeys}).
 */
final class VersionCodec {
    static final int FORMAT = 1;
    private static final int DELETE_MARKER = 1;

    private VersionCodec() {
    }

    static byte[] encode(ObjectVersion v) {
        RecordWriter w = new RecordWriter(96 + v.key().length() + v.manifest().length + 24 * v.sectors().size())
                .writeByte(FORMAT)
                .writeString(v.bucket())
                .writeString(v.key())
                .writeString(v.versionId())
                .writeVarLong(v.generation())
                .writeByte(v.deleteMarker() ? DELETE_MARKER : 0)
                .writeVarLong(v.size())
                .writeString(v.etag())
                .writeLong(v.lastModifiedMillis())
                .writeString(v.storageClass());
        SectorRefsCodec.write(w, v.sectors());
        return w.writeBytes(v.manifest()).toByteArray();
    }

    static ObjectVersion decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("version", FORMAT);
        String bucket = in.readString();
        String key = in.readString();
        String versionId = in.readString();
        long generation = in.readVarLong();
        int flags = in.readByte();
        long size = in.readVarLong();
        String etag = in.readString();
        long lastModified = in.readLong();
        String storageClass = in.readString();
        var sectors = SectorRefsCodec.read(in);
        byte[] manifest = in.readBytes();
        in.expectEnd();
        return new ObjectVersion(bucket, key, versionId, generation, (flags & DELETE_MARKER) != 0, size, etag,
                lastModified, storageClass, sectors, manifest);
    }

    /** Only the full key, for ordering scans without decoding the whole value. */
    static byte[] keyBytes(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("version", FORMAT);
        in.skipBytes();
        return in.readBytes();
    }

    /** Whether the row's version id is {@code versionId}, without decoding the rest of the value. */
    static boolean hasVersionId(byte[] value, String versionId) {
        RecordReader in = new RecordReader(value);
        in.readFormat("version", FORMAT);
        in.skipBytes();
        in.skipBytes();
        return versionId.equals(in.readString());
    }
}
