package io.coffer.shard.meta;

import io.coffer.shard.api.ListEntry;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One page of a bucket listing over the versions DBI. Rows arrive newest version first within a
 * key. With a delimiter, every key under a common prefix is skipped with one seek past the prefix,
 * so a sub-tree costs a seek rather than a walk.
 */
final class VersionListing {
    private final OrderedCursor cursor;
    private final ListRequest request;
    private final byte[] prefix;
    private final byte[] delimiter;

    VersionListing(OrderedCursor cursor, ListRequest request) {
        this.cursor = cursor;
        this.request = request;
        this.prefix = OrderedKeys.keyBytes(request.prefix());
        this.delimiter = request.delimiter().getBytes(StandardCharsets.UTF_8);
    }

    ListPage page() {
        if (request.maxKeys() == 0) {
            return new ListPage(List.of(), false, null, null);
        }
        byte[] resumeKey = position();
        String resumeVersion = resumeKey == null ? null : request.startAfterVersion();
        boolean passedResumeVersion = false;

        List<ListEntry> entries = new ArrayList<>();
        boolean truncated = false;
        String lastKey = null;
        String lastVersion = null;
        byte[] currentKey = null;
        OrderedCursor.Row row;
        while ((row = cursor.next()) != null) {
            if (!OrderedKeys.startsWith(row.key(), prefix)) {
                if (Arrays.compareUnsigned(row.key(), prefix) < 0) {
                    continue;
                }
                break;
            }
            byte[] common = commonPrefix(row.key());
            if (common != null) {
                if (entries.size() >= request.maxKeys()) {
                    truncated = true;
                    break;
                }
                lastKey = new String(common, StandardCharsets.UTF_8);
                lastVersion = null;
                entries.add(ListEntry.prefix(lastKey));
                currentKey = null;
                cursor.seekPastPrefix(common);
                continue;
            }
            boolean newKey = currentKey == null || !Arrays.equals(currentKey, row.key());
            currentKey = row.key();
            if (resumeKey != null && Arrays.equals(resumeKey, row.key())) {
                if (!passedResumeVersion) {
                    passedResumeVersion = resumeVersion.equals(VersionCodec.decode(row.value()).versionId());
                    continue;
                }
                newKey = false; // the newest version of this key was on an earlier page
            }
            if (!request.versions() && !newKey) {
                // an older version of a key already handled: jump over the rest of its versions
                cursor.seekAfterKey(row.key());
                continue;
            }
            ObjectVersion v = VersionCodec.decode(row.value());
            if (!request.versions() && v.deleteMarker()) {
                continue;
            }
            if (entries.size() >= request.maxKeys()) {
                truncated = true;
                break;
            }
            entries.add(ListEntry.object(v, request.versions() ? newKey : true));
            lastKey = v.key();
            lastVersion = v.versionId();
        }
        if (!truncated) {
            return new ListPage(entries, false, null, null);
        }
        return new ListPage(entries, true, lastKey, request.versions() ? lastVersion : null);
    }

    /** Positions the cursor; returns the key to resume inside (versions only), else null. */
    private byte[] position() {
        byte[] startAfter = OrderedKeys.keyBytes(request.startAfter());
        if (startAfter.length == 0 || Arrays.compareUnsigned(startAfter, prefix) < 0) {
            cursor.seekKey(prefix);
            return null;
        }
        byte[] common = OrderedKeys.startsWith(startAfter, prefix) ? commonPrefix(startAfter) : null;
        if (common != null) {
            // the marker is inside a common prefix that an earlier page already returned
            cursor.seekPastPrefix(common);
            return null;
        }
        if (request.versions() && request.startAfterVersion() != null) {
            cursor.seekKey(startAfter);
            return startAfter;
        }
        cursor.seekAfterKey(startAfter);
        return null;
    }

    /** The key up to and including the first delimiter after the prefix, or null. */
    private byte[] commonPrefix(byte[] key) {
        if (delimiter.length == 0) {
            return null;
        }
        int limit = key.length - delimiter.length;
        for (int i = prefix.length; i <= limit; i++) {
            if (Arrays.equals(key, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                return Arrays.copyOf(key, i + delimiter.length);
            }
        }
        return null;
    }
}
