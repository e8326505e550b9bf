package io.coffer.gateway.s3.list;

import java.nio.charset.StandardCharsets;

/**
 * {@code encoding-type=url}: S3 percent-encodes keys in list results so that keys with characters
 * XML 1.0 cannot carry survive. Unreserved characters and '/' stay as they are; everything else,
 * including space and '+', is %XX of its UTF-8 bytes (decoders accept that for form or URI decoding).
 */
final class UrlEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlEncoding() {
    }

    static String encode(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean keep = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || b == '.' || b == '~' || b == '/';
            if (keep && sb == null) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(bytes.length + 16);
                for (int j = 0; j < i; j++) {
                    sb.append((char) bytes[j]);
                }
            }
            if (keep) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
