package io.coffer.gateway.s3.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The streaming form reader, fed in pieces of every size so fields and delimiters straddle buffers. */
class FormParserTest {
    private static final String B = "xYzBoundary";

    private static byte[] form(String fields, byte[] file, String ending) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fields.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(ending.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String field(String name, String value) {
        return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + "\"\r\n\r\n"
                + value + "\r\n";
    }

    private static final String CLOSE = "\r\n--" + B + "--\r\n";

    /** Parses {@code body} cut into pieces of {@code piece} bytes; returns the head and the file bytes. */
    private static Object[] parse(byte[] body, int piece) {
        List<ByteBuf> in = new ArrayList<>();
        for (int i = 0; i < body.length; i += piece) {
            in.add(Unpooled.copiedBuffer(body, i, Math.min(piece, body.length - i)));
        }
        List<Object> events = new FormParser(B, body.length).parse(Flux.fromIterable(in)).collectList().block();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (Object e : events.subList(1, events.size())) {
            ByteBuf b = (ByteBuf) e;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            file.writeBytes(bytes);
        }
        in.forEach(b -> assertEquals(0, b.refCnt(), "every received buffer is released"));
        return new Object[] {events.get(0), file.toByteArray()};
    }

    @Test
    void fieldsThenFileInPiecesOfEverySize() {
        byte[] file = "line one\r\n--not the boundary\r\n-".getBytes(StandardCharsets.UTF_8);
        byte[] body = form("preamble\r\n" + field("key", "a/${filename}") + field("Content-Type", "text/plain")
                + field("x-amz-meta-é", "ünïcode") + field("key", "second wins not"), file, CLOSE);
        for (int piece : new int[] {1, 2, 3, 7, 64, body.length}) {
            Object[] r = parse(body, piece);
            FormParser.Head head = (FormParser.Head) r[0];
            assertEquals("a/${filename}", head.fields().get("KEY"), "piece " + piece);
            assertEquals("text/plain", head.fields().get("content-type"));
            assertEquals("ünïcode", head.fields().get("x-amz-meta-é"));
            assertEquals("a \"b\".txt", head.filename());
            assertEquals("text/plain", head.fileContentType());
            assertEquals(file.length, head.fileLength());
            assertArrayEquals(file, (byte[]) r[1], "piece " + piece);
        }
    }

    @Test
    void emptyFileAndPartsWithoutHeaders() {
        Object[] r = parse(form(field("key", ""), new byte[0], CLOSE), 5);
        FormParser.Head head = (FormParser.Head) r[0];
        assertEquals("", head.fields().get("key"));
        assertEquals(0, head.fileLength());
        assertEquals(0, ((byte[]) r[1]).length);
        assertNull(head.fields().get("file"));
    }

    private static S3Error failure(byte[] body, int piece) {
        S3Exception e = assertThrows(S3Exception.class, () -> parse(body, piece));
        return e.error();
    }

    @Test
    void formsThatDoNotEndWithTheFileAreMalformed() {
        byte[] fieldAfterFile = form(field("key", "k"), new byte[] {1, 2},
                "\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"late\"\r\n\r\nv" + CLOSE);
        assertEquals(S3Error.MALFORMED_POST_REQUEST, failure(fieldAfterFile, 4));
        assertEquals(S3Error.MALFORMED_POST_REQUEST, failure(form(field("key", "k"), new byte[] {1}, "\r\n--" + B + "--"), 3));
        assertEquals(S3Error.MALFORMED_POST_REQUEST, failure("no multipart here".getBytes(StandardCharsets.UTF_8), 4));
        byte[] noFile = (field("key", "k") + "--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(S3Error.INVALID_ARGUMENT, failure(noFile, 8));
    }

    @Test
    void tooMuchBeforeTheFileIsRefused() {
        byte[] body = form(field("key", "x".repeat(FormParser.MAX_PRE_DATA)), new byte[] {1}, CLOSE);
        assertEquals(S3Error.MAX_POST_PRE_DATA_LENGTH_EXCEEDED, failure(body, 64 * 1024));
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertEquals("abc", FormParser.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b", FormParser.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""));
        assertNull(FormParser.boundary("multipart/form-data"));
        assertNull(FormParser.boundary("application/x-www-form-urlencoded; boundary=abc"));
        assertTrue(FormParser.parameters("form-data; name=\"k\"; filename=\"f\"").containsKey("filename"));
    }
}
