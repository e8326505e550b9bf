package io.coffer.shard.wire;

import io.coffer.shard.api.ShardException.Code;

/**
 * The HTTP status each {@link Code} travels with. The code itself goes in
 * {@link WireFormat#ERROR_HEADER}, so the status only serves humans and proxies; the client re-raises
 * the code from the header.
 */
public final class ErrorStatus {
    private ErrorStatus() {
    }

    public static int of(Code code) {
        return switch (code) {
            case NO_SUCH_BUCKET, NO_SUCH_KEY, NO_SUCH_VERSION, NO_SUCH_UPLOAD, NO_SUCH_SECTOR -> 404;
            case BUCKET_EXISTS, BUCKET_NOT_EMPTY -> 409;
            case PRECONDITION_FAILED -> 412;
            case INVALID_ARGUMENT -> 400;
            case SECTOR_CORRUPT -> 422;
            case NO_SPACE -> 507;
            case READ_ONLY -> 405;
            case UNAUTHORIZED -> 403;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    /** For a response without the error header (a proxy, or a broken server): a best guess by status. */
    public static Code fromStatus(int status) {
        return switch (status) {
            case 400, 411, 413, 416 -> Code.INVALID_ARGUMENT;
            case 401, 403 -> Code.UNAUTHORIZED;
            case 412 -> Code.PRECONDITION_FAILED;
            case 502, 503, 504 -> Code.UNAVAILABLE;
            case 507 -> Code.NO_SPACE;
            default -> Code.INTERNAL;
        };
    }

    /** Parses the error header; an unknown name (a newer server) is INTERNAL rather than a crash. */
    public static Code parse(String header, int status) {
        if (header == null || header.isEmpty()) {
            return fromStatus(status);
        }
        try {
            return Code.valueOf(header);
        } catch (IllegalArgumentException e) {
            return Code.INTERNAL;
        }
    }
}
