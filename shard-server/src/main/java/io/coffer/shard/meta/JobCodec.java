package io.coffer.shard.meta;

/** Value of the jobs DBI (the key is the job name in UTF-8). */
final class JobCodec {
    static final int FORMAT = 1;

    private JobCodec() {
    }

    static byte[] encode(JobRecord j) {
        return new RecordWriter(48 + j.position().length)
                .writeByte(FORMAT)
                .writeString(j.name())
                .writeLong(j.lastRunMillis())
                .writeVarLong(j.runs())
                .writeVarLong(j.lastRunItems())
                .writeVarLong(j.totalItems())
                .writeBytes(j.position())
                .toByteArray();
    }

    static JobRecord decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("job", FORMAT);
        JobRecord j = new JobRecord(in.readString(), in.readLong(), in.readVarLong(), in.readVarLong(),
                in.readVarLong(), in.readBytes());
        in.expectEnd();
        return j;
    }
}
