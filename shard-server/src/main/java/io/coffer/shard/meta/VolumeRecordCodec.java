package io.coffer.shard.meta;

import io.coffer.shard.api.VolumeState;
import java.util.UUID;

/** Value of the volumes DBI (the key is the 4-byte big-endian volume index). */
final class VolumeRecordCodec {
    static final int FORMAT = 1;

    private VolumeRecordCodec() {
    }

    static byte[] encode(VolumeRecord v) {
        return new RecordWriter(64)
                .writeByte(FORMAT)
                .writeVarLong(v.index())
                .writeLong(v.id().getMostSignificantBits())
                .writeLong(v.id().getLeastSignificantBits())
                .writeString(v.fileName())
                .writeVarLong(v.capacity())
                .writeByte(v.state().ordinal())
                .toByteArray();
    }

    static VolumeRecord decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("volume", FORMAT);
        int index = (int) in.readVarLong();
        UUID id = new UUID(in.readLong(), in.readLong());
        String file = in.readString();
        long capacity = in.readVarLong();
        int state = in.readByte();
        if (state >= VolumeState.values().length) {
            throw new CorruptRecordException("volume state " + state);
        }
        in.expectEnd();
        return new VolumeRecord(index, id, file, capacity, VolumeState.values()[state]);
    }
}
