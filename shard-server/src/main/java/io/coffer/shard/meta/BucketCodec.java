package io.coffer.shard.meta;

import io.coffer.shard.api.BucketInfo;
import java.util.Map;
import java.util.TreeMap;

/** Value of the buckets DBI (the key is the bucket name in UTF-8). */
final class BucketCodec {
    static final int FORMAT = 1;

    private BucketCodec() {
    }

    static byte[] encode(BucketRecord r) {
        BucketInfo b = r.info();
        RecordWriter w = new RecordWriter(64)
                .writeByte(FORMAT)
                .writeString(b.name())
                .writeLong(b.createdMillis())
                .writeString(b.region())
                .writeString(b.versioning())
                .writeVarLong(r.generation());
        // sorted so the same settings always encode to the same bytes
        Map<String, String> attrs = new TreeMap<>(b.attributes());
        w.writeVarLong(attrs.size());
        attrs.forEach((k, v) -> w.writeString(k).writeString(v));
        return w.toByteArray();
    }

    static BucketRecord decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("bucket", FORMAT);
        String name = in.readString();
        long created = in.readLong();
        String region = in.readString();
        String versioning = in.readString();
        long generation = in.readVarLong();
        long n = in.readVarLong();
        Map<String, String> attrs = new TreeMap<>();
        for (long i = 0; i < n; i++) {
            attrs.put(in.readString(), in.readString());
        }
        in.expectEnd();
        return new BucketRecord(new BucketInfo(name, created, region, versioning, attrs), generation);
    }
}
