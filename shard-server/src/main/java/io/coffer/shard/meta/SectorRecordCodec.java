package io.coffer.shard.meta;

import io.coffer.shard.api.SectorId;

/** Value of the sectors DBI (the key is the 16-byte sector id). */
final class SectorRecordCodec {
    static final int FORMAT = 1;

    private SectorRecordCodec() {
    }

    static byte[] encode(SectorRecord r) {
        return new RecordWriter(40)
                .writeByte(FORMAT)
                .writeVarLong(r.volumeIndex())
                .writeLong(r.offset())
                .writeVarLong(r.length())
                .writeInt(r.crc32c())
                .writeByte(r.state().ordinal())
                .writeLong(r.createdMillis())
                .toByteArray();
    }

    static SectorRecord decode(SectorId id, byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("sector", FORMAT);
        int volume = (int) in.readVarLong();
        long offset = in.readLong();
        long length = in.readVarLong();
        int crc = in.readInt();
        int state = in.readByte();
        if (state >= SectorState.values().length) {
            throw new CorruptRecordException("sector state " + state);
        }
        long created = in.readLong();
        in.expectEnd();
        return new SectorRecord(id, volume, offset, length, crc, SectorState.values()[state], created);
    }
}
