package io.coffer.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Decoded query parameters of a presigned URL (first value of each name). */
final class QueryParams {

    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    String get(String name) {
        return values.get(name);
    }

    static QueryParams parse(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        int start = 0;
        int len = rawQuery.length();
        while (start < len) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = decode(rawQuery.substring(start, end));
                    value = "";
                } else {
                    name = decode(rawQuery.substring(start, eq));
                    value = decode(rawQuery.substring(eq + 1, end));
                }
                values.putIfAbsent(name, value);
            }
            start = end + 1;
        }
        return new QueryParams(values);
    }

    /** Percent-decoding that keeps '+' as '+' (SigV4 signers encode a space as %20) and tolerates bad escapes. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
