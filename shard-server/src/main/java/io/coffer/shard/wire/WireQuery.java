package io.coffer.shard.wire;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code path?name=value&...} with every byte outside RFC 3986's unreserved set
 * percent-encoded (so '+' and ' ' are unambiguous). Keys are opaque bytes in S3, so identifiers travel
 * in the query, never in a path segment; the signature covers the string exactly as built.
 */
public final class WireQuery {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private final StringBuilder sb;
    private boolean first = true;

    private WireQuery(String path) {
        sb = new StringBuilder(path.length() + 64).append(path);
    }

    public static WireQuery path(String path) {
        return new WireQuery(path);
    }

    /** Appends a parameter; a null value is left out. */
    public WireQuery param(String name, Object value) {
        if (value == null) {
            return this;
        }
        sb.append(first ? '?' : '&').append(name).append('=');
        first = false;
        encode(String.valueOf(value));
        return this;
    }

    private void encode(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
