package io.coffer.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the SigV4 canonical request and string to sign. S3 signs the path as it is sent: no second round
 * of percent-encoding and no removal of "." or "//" segments, unlike other AWS services.
 */
final class CanonicalRequest {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    private CanonicalRequest() {
    }

    /**
     * The canonical request text.
     *
     * @param canonicalUri   already-encoded path
     * @param canonicalQuery output of {@link #canonicalQuery}
     * @param signedHeaders  lower-case header names in the order the client listed them
     * @param payloadHash    the x-amz-content-sha256 value, "UNSIGNED-PAYLOAD", or a hex hash
     */
    static String build(String method, String canonicalUri, String canonicalQuery, SigV4Request request,
                        List<String> signedHeaders, String signedHeadersLine, String payloadHash) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append('\n')
                .append(canonicalUri.isEmpty() ? "/" : canonicalUri).append('\n')
                .append(canonicalQuery).append('\n');
        for (String name : signedHeaders) {
            sb.append(name).append(':');
            appendHeaderValues(sb, name, request);
            sb.append('\n');
        }
        sb.append('\n').append(signedHeadersLine).append('\n').append(payloadHash);
        return sb.toString();
    }

    /** "AWS4-HMAC-SHA256\n{amzDate}\n{scope}\nhex(sha256(canonicalRequest))". */
    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + SigningCrypto.sha256Hex(canonicalRequest);
    }

    private static void appendHeaderValues(StringBuilder sb, String name, SigV4Request request) {
        List<String> values;
        if ("host".equals(name)) {
            String host = request.host();
            values = host == null ? List.of() : List.of(host);
        } else {
            values = request.headers(name);
        }
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendTrimmed(sb, values.get(i));
        }
    }

    /** Appends the value without leading/trailing whitespace and with inner runs of whitespace as one space. */
    static void appendTrimmed(StringBuilder sb, String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isSpace(value.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(value.charAt(end - 1))) {
            end--;
        }
        boolean inSpace = false;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (isSpace(c)) {
                if (!inSpace) {
                    sb.append(' ');
                    inSpace = true;
                }
            } else {
                sb.append(c);
                inSpace = false;
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * Canonical query: each parameter decoded and re-encoded with SigV4's strict encoding, sorted by encoded
     * name then value, "name=value" joined by '&'; a parameter without '=' gets an empty value.
     *
     * @param plusIsSpace whether a literal '+' in the raw query means a space (form encoding) or a plus
     * @param skip        a parameter name left out (X-Amz-Signature of a presigned URL), or null
     */
    static String canonicalQuery(String rawQuery, boolean plusIsSpace, String skip) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        int start = 0;
        int len = rawQuery.length();
        while (start <= len) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = reencode(rawQuery, start, end, plusIsSpace);
                    value = "";
                } else {
                    name = reencode(rawQuery, start, eq, plusIsSpace);
                    value = reencode(rawQuery, eq + 1, end, plusIsSpace);
                }
                if (skip == null || !skip.equals(name)) {
                    params.add(new String[] {name, value});
                }
            }
            start = end + 1;
        }
        if (params.size() > 1) {
            // Encoded names and values are ASCII, so String order is byte order.
            params.sort((a, b) -> {
                int c = a[0].compareTo(b[0]);
                return c != 0 ? c : a[1].compareTo(b[1]);
            });
        }
        StringBuilder sb = new StringBuilder(rawQuery.length() + 16);
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                sb.append('&');
            }
            sb.append(params.get(i)[0]).append('=').append(params.get(i)[1]);
        }
        return sb.toString();
    }

    /** The path decoded and re-encoded strictly, '/' kept: the canonical URI a strict client would sign. */
    static String reencodePath(String rawPath) {
        // Segment by segment, so an escaped slash (%2F) inside a key stays escaped.
        StringBuilder sb = new StringBuilder(rawPath.length() + 16);
        int start = 0;
        while (true) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            sb.append(reencode(rawPath, start, end, false));
            if (slash < 0) {
                return sb.toString();
            }
            sb.append('/');
            start = slash + 1;
        }
    }

    /**
     * Decodes %XX escapes in raw[start, end) (an invalid escape stays literal) and encodes the bytes with
     * SigV4's rules: A-Z a-z 0-9 - _ . ~ as is, everything else as upper-case %XX of its UTF-8 bytes.
     */
    static String reencode(String raw, int start, int end, boolean plusIsSpace) {
        if (isAlreadyCanonical(raw, start, end)) {
            return raw.substring(start, end);
        }
        byte[] bytes = decode(raw, start, end, plusIsSpace);
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(UPPER_HEX[c >>> 4]).append(UPPER_HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /** Fast path: only unreserved characters and upper-case escapes of reserved bytes means decoding and re-encoding changes nothing. */
    private static boolean isAlreadyCanonical(String raw, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (isUnreserved(c)) {
                continue;
            }
            // An upper-case escape of a byte that must stay escaped is already canonical.
            if (c == '%' && i + 2 < end && isUpperHex(raw.charAt(i + 1)) && isUpperHex(raw.charAt(i + 2))) {
                int b = (hexValue(raw.charAt(i + 1)) << 4) | hexValue(raw.charAt(i + 2));
                if (!isUnreserved(b)) {
                    i += 2;
                    continue;
                }
            }
            return false;
        }
        return true;
    }

    private static byte[] decode(String raw, int start, int end, boolean plusIsSpace) {
        byte[] out = new byte[(end - start) * 4];
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < end && hexValue(raw.charAt(i + 1)) >= 0
                    && hexValue(raw.charAt(i + 2)) >= 0) {
                out[n++] = (byte) ((hexValue(raw.charAt(i + 1)) << 4) | hexValue(raw.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out[n++] = ' ';
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                // A raw non-ASCII character (a lenient client or a decoded view): take its UTF-8 bytes.
                int cp = raw.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, out, n, utf8.length);
                n += utf8.length;
                i += Character.charCount(cp) - 1;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
    }
}
