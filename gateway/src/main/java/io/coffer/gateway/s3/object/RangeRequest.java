package io.coffer.gateway.s3.object;

import io.coffer.gateway.store.ByteRange;

/**
 * An HTTP {@code Range} header resolved against an object's size, the way S3 resolves it: one
 * range of {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}; anything S3 would not parse
 * (other units, several ranges, a > b) is ignored and the whole object is sent.
 */
public sealed interface RangeRequest {
    /** No usable Range header: answer 200 with the whole object. */
    record Whole() implements RangeRequest { }

    /** Answer 206 with these bytes and {@code Content-Range: bytes first-last/size}. */
    record Partial(ByteRange range) implements RangeRequest { }

    /** Answer 416 InvalidRange with {@code Content-Range: bytes *}{@code /size}. */
    record Unsatisfiable() implements RangeRequest { }

    RangeRequest WHOLE = new Whole();
    RangeRequest UNSATISFIABLE = new Unsatisfiable();

    static RangeRequest parse(String header, long size) {
        if (header == null) {
            return WHOLE;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return WHOLE;
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            return WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return WHOLE;
                }
                long suffix = parseNonNegative(b);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                long n = Math.min(suffix, size);
                return new Partial(new ByteRange(size - n, n));
            }
            long first = parseNonNegative(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : parseNonNegative(b);
            if (last < first) {
                return WHOLE;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new Partial(ByteRange.inclusive(first, Math.min(last, size - 1)));
        } catch (NumberFormatException e) {
            return WHOLE;
        }
    }

    private static long parseNonNegative(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                throw new NumberFormatException(s);
            }
        }
        return Long.parseLong(s);
    }
}
