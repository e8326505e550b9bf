package io.coffer.gateway.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Request header values as the text clients meant. Netty turns each header byte into one char
 * (ISO-8859-1), but clients send non-ASCII values (x-amz-meta-*) as UTF-8 and sign them as UTF-8:
 * read as Latin-1, "é" (C3 A9) becomes "Ã©" and SigV4's canonical request no longer matches.
 */
final class HeaderValues {
    private HeaderValues() {
    }

    /** Re-decodes, in place, every value holding non-ASCII bytes that form valid UTF-8; others stay as sent. */
    static void decodeUtf8(HttpHeaders headers) {
        List<String> names = null;
        for (Map.Entry<String, String> e : headers) {
            if (!isAscii(e.getValue())) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                if (!names.contains(e.getKey())) {
                    names.add(e.getKey());
                }
            }
        }
        if (names == null) {
            return;
        }
        for (String name : names) {
            List<String> values = headers.getAll(name);
            List<String> decoded = new ArrayList<>(values.size());
            for (String v : values) {
                decoded.add(isAscii(v) ? v : utf8(v));
            }
            headers.set(name, decoded);
        }
    }

    /** The value's bytes read as UTF-8, or the value itself when they are not valid UTF-8. */
    static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }

    /**
     * A response header value as Netty should write it (one byte per char): text that fits Latin-1 as is, which
     * is how HTTP clients read header bytes (a stored "é" reads back as "é"); wider text as its UTF-8 bytes, so
     * nothing is lost to truncation.
     */
    static String toWire(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return value;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }
}
