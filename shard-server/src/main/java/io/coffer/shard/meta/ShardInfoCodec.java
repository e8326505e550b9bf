package io.coffer.shard.meta;

import java.util.UUID;

/** Value of the single row of the info DBI. */
final class ShardInfoCodec {
    static final int FORMAT = 1;

    private ShardInfoCodec() {
    }

    static byte[] encode(ShardInfo s) {
        return new RecordWriter(40)
                .writeByte(FORMAT)
                .writeLong(s.shardId().getMostSignificantBits())
                .writeLong(s.shardId().getLeastSignificantBits())
                .writeVarLong(s.schemaVersion())
                .writeLong(s.createdMillis())
                .toByteArray();
    }

    static ShardInfo decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("shard info", FORMAT);
        UUID id = new UUID(in.readLong(), in.readLong());
        int schema = (int) in.readVarLong();
        long created = in.readLong();
        in.expectEnd();
        return new ShardInfo(id, schema, created);
    }
}
