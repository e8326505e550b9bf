package io.coffer.gateway.s3;

/**
 * An S3 error for one request. {@code resource} is what S3 puts in {@code <Resource>} (the path
 * of the bucket or object, may be null to use the request path). Carries no stack trace: these
 * are answers, not bugs.
 */
public final class S3Exception extends RuntimeException {
    private final S3Error error;
    private final String resource;
    private final String detail;

    public S3Exception(S3Error error) {
        this(error, null, null);
    }

    public S3Exception(S3Error error, String resource) {
        this(error, resource, null);
    }

    /**
     * @param detail a message that replaces the default one (never secrets: it goes to the client)
     */
    public S3Exception(S3Error error, String resource, String detail) {
        super(error.code() + (detail == null ? "" : ": " + detail), null, false, false);
        this.error = error;
        this.resource = resource;
        this.detail = detail;
    }

    public S3Error error() {
        return error;
    }

    public String resource() {
        return resource;
    }

    /** The message the client sees. */
    public String clientMessage() {
        return detail == null ? error.message() : detail;
    }
}
