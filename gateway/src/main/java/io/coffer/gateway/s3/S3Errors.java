package io.coffer.gateway.s3;

import io.coffer.shard.api.ShardException;

/**
 * Converts failures from below (the shard API) into S3 errors, in one place. Failures that are
 * the server's fault become {@code InternalError}/{@code ServiceUnavailable}; the dispatcher logs
 * those once with the request id.
 */
public final class S3Errors {
    private S3Errors() {
    }

    public static S3Exception fromShard(ShardException e, String resource) {
        S3Error error = switch (e.code()) {
            case NO_SUCH_BUCKET -> S3Error.NO_SUCH_BUCKET;
            case BUCKET_EXISTS -> S3Error.BUCKET_ALREADY_EXISTS;
            case BUCKET_NOT_EMPTY -> S3Error.BUCKET_NOT_EMPTY;
            case NO_SUCH_KEY -> S3Error.NO_SUCH_KEY;
            case NO_SUCH_VERSION -> S3Error.NO_SUCH_VERSION;
            case NO_SUCH_UPLOAD -> S3Error.NO_SUCH_UPLOAD;
            case PRECONDITION_FAILED -> S3Error.PRECONDITION_FAILED;
            case INVALID_ARGUMENT -> S3Error.INVALID_ARGUMENT;
            case NO_SPACE, READ_ONLY, UNAVAILABLE -> S3Error.SERVICE_UNAVAILABLE;
            case NO_SUCH_SECTOR, SECTOR_CORRUPT, UNAUTHORIZED, INTERNAL -> S3Error.INTERNAL_ERROR;
        };
        return new S3Exception(error, resource);
    }

    /** True if this failure is the server's fault (worth an ERROR log line), not the client's. */
    public static boolean isServerFault(S3Error error) {
        return error.status() >= 500 && error != S3Error.SLOW_DOWN && error != S3Error.NOT_IMPLEMENTED;
    }
}
