package io.coffer.shard.meta;

/** A metadata value that cannot be decoded: a bug or on-disk corruption, never bad user input. */
public final class CorruptRecordException extends RuntimeException {
    public CorruptRecordException(String message) {
        super(message);
    }
}
