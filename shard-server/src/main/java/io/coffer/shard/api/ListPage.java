package io.coffer.shard.api;

import java.util.List;

/**
 * A page of a listing, entries in key order (versions of one key newest first).
 *
 * @param truncated whether more entries follow; resume with startAfter = {@code nextKey}
 *                  (and, for versions, startAfterVersion = {@code nextVersion})
 */
public record ListPage(List<ListEntry> entries, boolean truncated, String nextKey, String nextVersion) {
    public ListPage {
        entries = List.copyOf(entries);
    }
}
