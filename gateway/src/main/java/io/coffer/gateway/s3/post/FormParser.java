package io.coffer.gateway.s3.post;

import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a POST Object form (multipart/form-data) as it streams: the fields before the file are
 * collected (at most {@link #MAX_PRE_DATA} bytes), then the file's bytes pass through as slices of
 * the received buffers. {@link #parse} emits one {@link Head} followed by the file's buffers.
 *
 * <p>The file's length is known before its first byte, as the write path needs: it is the body's
 * Content-Length less what precedes the file and the close delimiter {@code \r\n--boundary--\r\n}
 * that browsers, curl and HTTP libraries end a form with. S3 ignores fields after the file; here a
 * form with more after the file (the delimiter inside the declared file bytes) or another ending is
 * refused with MalformedPOSTRequest before anything is stored.
 */
final class FormParser {
    /** S3 limits the fields before the file to 20 KB of policy and a few more; 1 MiB is generous. */
    static final int MAX_PRE_DATA = 1 << 20;

    /**
     * The form up to the file.
     *
     * @param fields          the fields before the file, names case-insensitive, the first of a name wins
     * @param filename        the file part's filename, or null
     * @param fileContentType the file part's Content-Type, or null
     * @param fileLength      the file's length in bytes
     */
    record Head(Map<String, String> fields, String filename, String fileContentType, long fileLength) {
    }

    private enum State { PREAMBLE, PART_HEADERS, FIELD_VALUE, FILE }

    private final byte[] dashBoundary;
    private final byte[] delimiter;
    private final byte[] close;
    private final int[] delimiterFailure;
    private final long contentLength;
    private final Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private byte[] pre = new byte[4096];
    private int preLength;
    private int pos;
    private State state = State.PREAMBLE;
    private String fieldName;
    private long fileLeft;
    private int closeMatched;
    private int searched;
    private int delimiterMatched;

    FormParser(String boundary, long contentLength) {
        this.dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.close = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.delimiterFailure = failure(delimiter);
        this.contentLength = contentLength;
    }

    /** The boundary parameter of a multipart/form-data Content-Type, or null. */
    static String boundary(String contentType) {
        if (contentType == null
                || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        String b = parameters(contentType).get("boundary");
        return b == null || b.isEmpty() || b.length() > 70 ? null : b;
    }

    /** A Head, then the file's bytes; fails with an S3Exception when the form is not one S3 accepts. */
    Flux<Object> parse(Flux<ByteBuf> body) {
        return DiscardedBuffers.released(body.concatMapIterable(this::accept, 1)
                .concatWith(Mono.fromRunnable(this::finish)));
    }

    /** Takes {@code in}; when this throws, {@code in} is left to the operator, which discards (releases) it. */
    private List<Object> accept(ByteBuf in) {
        List<Object> out;
        if (state == State.FILE) {
            out = new ArrayList<>(1);
            file(in, out);
        } else {
            append(in);
            out = advance();
        }
        in.release();
        return out;
    }

    private void finish() {
        if (state != State.FILE) {
            throw malformed("The body of your POST request is not well-formed multipart/form-data.");
        }
        if (fileLeft > 0) {
            throw new S3Exception(S3Error.INCOMPLETE_BODY);
        }
        if (closeMatched != close.length) {
            throw malformed("The form must end with the file, followed by its close delimiter.");
        }
    }

    private void append(ByteBuf in) {
        int n = in.readableBytes();
        if ((long) preLength + n > MAX_PRE_DATA) {
            throw new S3Exception(S3Error.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
        }
        if (preLength + n > pre.length) {
            pre = Arrays.copyOf(pre, Math.max(pre.length * 2, preLength + n));
        }
        in.readBytes(pre, preLength, n);
        preLength += n;
    }

    /** Parses as far as the collected bytes allow; emits the Head (and first file bytes) on reaching the file. */
    private List<Object> advance() {
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    int at = indexOf(dashBoundary, 0);
                    if (at < 0 || at + dashBoundary.length + 2 > preLength) {
                        return List.of();
                    }
                    pos = expectCrlf(at + dashBoundary.length);
                    state = State.PART_HEADERS;
                }
                case PART_HEADERS -> {
                    int end = indexOf(new byte[] {'\r', '\n', '\r', '\n'}, pos - 2);
                    if (end < 0) {
                        return List.of();
                    }
                    Map<String, String> headers = partHeaders(pos, Math.max(pos, end));
                    Map<String, String> disposition = parameters(headers.getOrDefault("content-disposition", ""));
                    String name = disposition.get("name");
                    if (name == null) {
                        throw malformed("A form part has no name.");
                    }
                    pos = end + 4;
                    if (name.equalsIgnoreCase("file")) {
                        return startFile(disposition.get("filename"), headers.get("content-type"));
                    }
                    fieldName = name;
                    state = State.FIELD_VALUE;
                }
                case FIELD_VALUE -> {
                    int at = indexOf(delimiter, pos);
                    if (at < 0 || at + delimiter.length + 2 > preLength) {
                        return List.of();
                    }
                    fields.putIfAbsent(fieldName, new String(pre, pos, at - pos, StandardCharsets.UTF_8));
                    int after = at + delimiter.length;
                    if (pre[after] == '-' && pre[after + 1] == '-') {
                        throw new S3Exception(S3Error.INVALID_ARGUMENT, null,
                                "POST requires exactly one file upload per request.");
                    }
                    pos = expectCrlf(after);
                    state = State.PART_HEADERS;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private List<Object> startFile(String filename, String contentType) {
        long length = contentLength - pos - close.length;
        if (length < 0) {
            throw malformed("The form must end with the file, followed by its close delimiter.");
        }
        state = State.FILE;
        fileLeft = length;
        List<Object> out = new ArrayList<>(2);
        out.add(new Head(caseInsensitive(fields), filename, contentType, length));
        int rest = preLength - pos;
        byte[] leftover = Arrays.copyOfRange(pre, pos, preLength);
        pre = null;
        if (rest > 0) {
            ByteBuf first = Unpooled.wrappedBuffer(leftover);
            try {
                file(first, out);
            } finally {
                first.release();
            }
        }
        return out;
    }

    private static Map<String, String> caseInsensitive(Map<String, String> fields) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(fields);
        return Collections.unmodifiableMap(copy);
    }

    /** Passes the file's bytes on (retained slices of {@code in}), then checks the close delimiter. */
    private void file(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(fileLeft, in.readableBytes());
        if (n > 0) {
            scanForDelimiter(in, in.readerIndex(), n);
            out.add(in.retainedSlice(in.readerIndex(), n));
            in.skipBytes(n);
            fileLeft -= n;
        }
        while (in.isReadable()) {
            byte b = in.readByte();
            if (closeMatched >= close.length || close[closeMatched] != b) {
                releaseAll(out);
                throw malformed("The form must end with the file, followed by its close delimiter.");
            }
            closeMatched++;
        }
    }

    /** A delimiter inside the declared file bytes means the file ended earlier: more parts follow it. */
    private void scanForDelimiter(ByteBuf in, int from, int length) {
        in.forEachByte(from, length, b -> {
            int j = delimiterMatched;
            while (j > 0 && delimiter[j] != b) {
                j = delimiterFailure[j - 1];
            }
            if (delimiter[j] == b) {
                j++;
            }
            if (j == delimiter.length) {
                throw malformed("Fields after the file are not supported; the file must be the form's last part.");
            }
            delimiterMatched = j;
            return true;
        });
    }

    private static void releaseAll(List<Object> out) {
        for (Object o : out) {
            if (o instanceof ByteBuf b) {
                b.release();
            }
        }
    }

    private int expectCrlf(int at) {
        if (pre[at] != '\r' || pre[at + 1] != '\n') {
            throw malformed("The body of your POST request is not well-formed multipart/form-data.");
        }
        return at + 2;
    }

    private Map<String, String> partHeaders(int from, int to) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : new String(pre, from, to - from, StandardCharsets.UTF_8).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** The parameters of a header value: {@code form-data; name="key"; filename="a.txt"}, names in lower case. */
    static Map<String, String> parameters(String value) {
        Map<String, String> params = new TreeMap<>();
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            int eq = value.indexOf('=', i + 1);
            if (eq < 0) {
                break;
            }
            String name = value.substring(i + 1, eq).trim().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            while (j < value.length() && value.charAt(j) == ' ') {
                j++;
            }
            StringBuilder v = new StringBuilder();
            if (j < value.length() && value.charAt(j) == '"') {
                j++;
                while (j < value.length() && value.charAt(j) != '"') {
                    char c = value.charAt(j);
                    if (c == '\\' && j + 1 < value.length()) {
                        c = value.charAt(++j);
                    }
                    v.append(c);
                    j++;
                }
                j++;
            } else {
                while (j < value.length() && value.charAt(j) != ';') {
                    v.append(value.charAt(j++));
                }
            }
            params.putIfAbsent(name, v.toString().trim());
            i = value.indexOf(';', j);
        }
        return params;
    }

    /**
     * The first {@code needle} at or after {@code from}, or -1. A failed search remembers how far it looked, so
     * a form trickling in byte by byte is not searched again from its start on every read.
     */
    private int indexOf(byte[] needle, int from) {
        int start = Math.max(Math.max(0, from), searched);
        int found = scan(needle, start);
        searched = found < 0 ? Math.max(start, preLength - needle.length + 1) : 0;
        return found;
    }

    private int scan(byte[] needle, int start) {
        outer:
        for (int i = start; i + needle.length <= preLength; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (pre[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int[] failure(byte[] pattern) {
        int[] f = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = f[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }

    private static S3Exception malformed(String message) {
        return new S3Exception(S3Error.MALFORMED_POST_REQUEST, null, message);
    }
}
