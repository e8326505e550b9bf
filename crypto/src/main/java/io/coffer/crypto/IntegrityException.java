package io.coffer.crypto;

/**
 * Stored bytes failed verification. The gateway answers the client with an error and treats this as a
 * repair signal; it never streams bytes that failed verification. Messages never contain key material.
 */
public final class IntegrityException extends RuntimeException {

    /** What failed, so the caller can pick the S3 error and decide whether to repair from a replica. */
    public enum Kind {
        /** The signed manifest does not verify or does not decode. */
        TAMPERED_MANIFEST,
        /** A segment's GCM tag does not verify (changed, reordered, moved from another object). */
        TAMPERED_SEGMENT,
        /** A wrapped data key does not unwrap under the key offered (master key or SSE-C key). */
        WRONG_KEY,
        /** The ciphertext ended before the final segment the manifest promises. */
        TRUNCATED
    }

    private final Kind kind;

    public IntegrityException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public IntegrityException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
