package io.coffer.shard.api;

/**
 * The condition a manifest put is checked against, atomically with the write, on the current
 * (newest, non-delete-marker) version of the key.
 */
public sealed interface PutCondition {
    /** Unconditional. */
    record None() implements PutCondition { }

    /** S3 {@code If-None-Match: *}: only if no current object exists. */
    record IfAbsent() implements PutCondition { }

    /** S3 {@code If-Match}: only if the current object's ETag equals this one. */
    record IfEtagMatches(String etag) implements PutCondition { }

    /** Only if the current version has exactly this generation (read-modify-write of a manifest). */
    record IfGeneration(long generation) implements PutCondition { }

    PutCondition NONE = new None();
    PutCondition IF_ABSENT = new IfAbsent();
}
