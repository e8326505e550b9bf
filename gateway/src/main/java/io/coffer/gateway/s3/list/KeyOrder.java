package io.coffer.gateway.s3.list;

import io.coffer.shard.api.ListEntry;
import java.util.Comparator;

/**
 * S3 lists keys in binary UTF-8 order. Comparing code points gives exactly that order (UTF-8
 * preserves code point order), whereas {@link String#compareTo} compares UTF-16 units and puts
 * supplementary characters (emoji) before U+E000..U+FFFF.
 */
public final class KeyOrder {
    /** Keys in binary UTF-8 order. */
    public static final Comparator<String> UTF8 = KeyOrder::compare;

    /** Entries by key; versions of one key newest (highest generation) first; a prefix before objects. */
    public static final Comparator<ListEntry> ENTRIES = (a, b) -> {
        int c = compare(a.key(), b.key());
        if (c != 0) {
            return c;
        }
        if (a.commonPrefix() || b.commonPrefix()) {
            return Boolean.compare(b.commonPrefix(), a.commonPrefix());
        }
        return Long.compare(b.version().generation(), a.version().generation());
    };

    private KeyOrder() {
    }

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
