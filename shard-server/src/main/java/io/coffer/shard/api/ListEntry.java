package io.coffer.shard.api;

/**
 * One row of a listing page: an object version, or a common prefix (then {@code version} is null).
 * For a plain listing {@code latest} is always true.
 */
public record ListEntry(String key, ObjectVersion version, boolean latest, boolean commonPrefix) {
    public static ListEntry prefix(String prefix) {
        return new ListEntry(prefix, null, false, true);
    }

    public static ListEntry object(ObjectVersion v, boolean latest) {
        return new ListEntry(v.key(), v, latest, false);
    }
}
