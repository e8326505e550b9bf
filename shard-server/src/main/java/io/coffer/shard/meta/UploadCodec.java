package io.coffer.shard.meta;

import io.coffer.shard.api.MultipartUpload;

/** Value of the uploads DBI; carries the full key for the same reason as {@link VersionCodec}. */
final class UploadCodec {
    static final int FORMAT = 1;

    private UploadCodec() {
    }

    static byte[] encode(MultipartUpload u) {
        return new RecordWriter(64 + u.key().length() + u.state().length)
                .writeByte(FORMAT)
                .writeString(u.bucket())
                .writeString(u.key())
                .writeString(u.uploadId())
                .writeLong(u.initiatedMillis())
                .writeBytes(u.state())
                .toByteArray();
    }

    static MultipartUpload decode(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("upload", FORMAT);
        String bucket = in.readString();
        String key = in.readString();
        String uploadId = in.readString();
        long initiated = in.readLong();
        byte[] state = in.readBytes();
        in.expectEnd();
        return new MultipartUpload(bucket, key, uploadId, initiated, state);
    }

    static byte[] keyBytes(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.readFormat("upload", FORMAT);
        in.readBytes();
        return in.readBytes();
    }
}
