package io.coffer.gateway.s3;

import io.coffer.gateway.auth.AuthException;
import io.coffer.gateway.checksum.DigestException;
import io.coffer.shard.api.ShardException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.channel.AbortedException;
import java.util.HashMap;
import java.util.Map;

/**
 * Converts failures from below (the shard API) into S3 errors, in one place. Failures that are
 * the server's fault become {@code InternalError}/{@code ServiceUnavailable}; the dispatcher logs
 * those once with the request id.
 */
public final class S3Errors {
    private static final Map<String, S3Error> BY_CODE = new HashMap<>();

    static {
        for (S3Error e : S3Error.values()) {
            BY_CODE.putIfAbsent(e.code(), e);
        }
    }

    private S3Errors() {
    }

    /**
     * Any failure as the S3 error the client gets: S3, shard, authentication and digest failures keep
     * their meaning; anything else is an {@code InternalError}.
     */
    public static S3Exception from(Throwable e, String resource) {
        if (e instanceof S3Exception x) {
            return x;
        }
        if (e instanceof ShardException x) {
            return fromShard(x, resource);
        }
        if (e instanceof AuthException x) {
            return fromCode(x.code(), x.status(), resource, x.getMessage());
        }
        if (e instanceof DigestException x) {
            return fromCode(x.code(), x.status(), resource, x.getMessage());
        }
        if (e instanceof ReadTimeoutException) {
            // the request body stopped arriving for coffer.read-timeout: the client's fault, as in S3
            return new S3Exception(S3Error.REQUEST_TIMEOUT, resource);
        }
        if (e instanceof AbortedException) {
            // the client closed the connection before its body ended: nothing was stored, and it is
            // not a server fault (no ERROR log, no stack trace); S3 calls a short body IncompleteBody
            return new S3Exception(S3Error.INCOMPLETE_BODY, resource);
        }
        return new S3Exception(S3Error.INTERNAL_ERROR, resource);
    }

    /** The S3Error with this wire code; unknown codes keep their status class (4xx InvalidRequest, else InternalError). */
    public static S3Exception fromCode(String code, int status, String resource, String message) {
        S3Error error = BY_CODE.get(code);
        if (error == null) {
            error = status >= 400 && status < 500 ? S3Error.INVALID_REQUEST : S3Error.INTERNAL_ERROR;
        }
        return new S3Exception(error, resource, message);
    }

    /** The enum constant for a wire code, or null. */
    public static S3Error byCode(String code) {
        return BY_CODE.get(code);
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
