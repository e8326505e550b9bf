package io.coffer.gateway.checksum;

import java.util.Objects;

/**
 * A body whose digest does not match what the client declared (BadDigest, InvalidDigest,
 * XAmzContentSHA256Mismatch, InvalidRequest for an unusable checksum header), with the exact S3 code and
 * HTTP status; the gateway's error mapper turns the code into its S3Error.
 */
public final class DigestException extends RuntimeException {

    private final String code;
    private final int status;

    public DigestException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
