package io.coffer.shard.meta;

import io.coffer.shard.api.UploadPart;

/** Value of the parts DBI (the key is uploadId || 0x00 || partNumber). */
final class PartCodec {
    static final int FORMAT = 1;

    private PartCodec() {
    }

    static byte[] encode(UploadPart p) {
        RecordWriter w = new RecordWriter(64 + p.state().length + 24 * p.sectors().size())
                .writeByte(FORMAT)
                .writeString(p.uploadId())
                .writeVarLong(p.partNumber())
                .writeVarLong(p.size())
                .writeString(p.etag() == null ? "" : p.etag())
                .writeLong(p.lastModifiedMillis());
        SectorRefsCodec.write(w, p.sectors());
        return w.writeBytes(p.state()).toByteArray();
    }

    static UploadPart decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("part", FORMAT);
        String uploadId = in.readString();
        int partNumber = (int) in.readVarLong();
        long size = in.readVarLong();
        String etag = in.readString();
        long lastModified = in.readLong();
        var sectors = SectorRefsCodec.read(in);
        byte[] state = in.readBytes();
        in.expectEnd();
        return new UploadPart(uploadId, partNumber, size, etag, lastModified, sectors, state);
    }
}
