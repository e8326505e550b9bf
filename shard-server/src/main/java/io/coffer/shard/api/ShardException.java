package io.coffer.shard.api;

/**
 * A typed failure from a shard, embedded or remote. {@link Code} travels over the wire unchanged,
 * so the gateway maps it to the S3 error without knowing where the shard runs.
 */
public final class ShardException extends RuntimeException {
    public enum Code {
        NO_SUCH_BUCKET, BUCKET_EXISTS, BUCKET_NOT_EMPTY,
        NO_SUCH_KEY, NO_SUCH_VERSION, NO_SUCH_UPLOAD, NO_SUCH_SECTOR,
        PRECONDITION_FAILED, INVALID_ARGUMENT,
        /** sector bytes on disk do not match their CRC32C */
        SECTOR_CORRUPT,
        /** no writable volume has room; the disk is full */
        NO_SPACE,
        READ_ONLY, UNAUTHORIZED, UNAVAILABLE, INTERNAL
    }

    private final Code code;

    public ShardException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public ShardException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
