package io.coffer.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class AwsChunkedDecoderTest {

    private static final StreamingContext DOC_CONTEXT = new StreamingContext(
            SigningKeyCache.derive(S3Examples.SECRET, "20130524", "us-east-1", "s3"), S3Examples.SEED_SIGNATURE,
            "20130524/us-east-1/s3/aws4_request", "20130524T000000Z");

    /** Every input buffer handed to a decoder, to prove each one was released. */
    private final List<ByteBuf> inputs = new ArrayList<>();

    @AfterEach
    void everyInputBufferWasReleased() {
        for (ByteBuf b : inputs) {
            assertEquals(0, b.refCnt(), "input buffer leaked");
        }
    }

    /**
     * Pooled direct buffers, like a server's, except in the many-buffer tests: paranoid leak detection
     * records a stack trace on every access of an allocator's buffer, which makes 66 824 one-byte buffers
     * take most of a minute. Those use plain wrapped arrays; refCnt tracking still proves the releases.
     */
    private boolean pooledInputs = true;

    private ByteBuf input(byte[] bytes) {
        ByteBuf b;
        if (pooledInputs) {
            b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
            b.writeBytes(bytes);
        } else {
            // Not Unpooled.wrappedBuffer: for an empty array it returns the shared EMPTY_BUFFER, never released.
            b = Unpooled.buffer(Math.max(1, bytes.length)).writeBytes(bytes);
        }
        inputs.add(b);
        return b;
    }

    /** Decodes the pieces; returns the payload. Every emitted buffer is released after copying. */
    private byte[] decode(AwsChunkedDecoder decoder, List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decoder.decode(Flux.fromIterable(pieces).map(this::input))
                .doOnNext(b -> {
                    byte[] copy = new byte[b.readableBytes()];
                    b.readBytes(copy);
                    out.writeBytes(copy);
                    assertTrue(b.release(), "emitted buffer must be owned by the subscriber");
                })
                .blockLast();
        return out.toByteArray();
    }

    private static List<byte[]> split(byte[] body, int... cuts) {
        List<byte[]> pieces = new ArrayList<>();
        int prev = 0;
        for (int cut : cuts) {
            pieces.add(Arrays.copyOfRange(body, prev, cut));
            prev = cut;
        }
        pieces.add(Arrays.copyOfRange(body, prev, body.length));
        return pieces;
    }

    private static List<byte[]> randomSplit(byte[] body, Random random, int maxPiece) {
        List<byte[]> pieces = new ArrayList<>();
        int off = 0;
        while (off < body.length) {
            int n = Math.min(body.length - off, 1 + random.nextInt(maxPiece));
            pieces.add(Arrays.copyOfRange(body, off, off + n));
            off += n;
        }
        return pieces;
    }

    private static List<byte[]> oneByteBuffers(byte[] body) {
        List<byte[]> pieces = new ArrayList<>(body.length);
        for (byte b : body) {
            pieces.add(new byte[] {b});
        }
        return pieces;
    }

    private static AwsChunkedDecoder docDecoder() {
        return new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT, 66560, null);
    }

    private static final byte[] DOC_PAYLOAD = "a".repeat(66560).getBytes(StandardCharsets.US_ASCII);

    // ---- the S3 documentation example -----------------------------------------------------------------------

    @Test
    void testEncoderReproducesTheDocumentationBodyByteForByte() {
        assertArrayEquals(S3Examples.chunkedBody(),
                ChunkedBodyWriter.encode(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT, DOC_PAYLOAD, 65536, Map.of()));
    }

    @Test
    void documentationChunkedBodyDecodesInOneBuffer() {
        byte[] body = S3Examples.chunkedBody();
        assertEquals(66824, body.length);
        AwsChunkedDecoder decoder = docDecoder();
        assertArrayEquals(DOC_PAYLOAD, decode(decoder, List.of(body)));
        assertEquals(66560, decoder.decodedLength());
    }

    @Test
    void documentationChunkedBodyDecodesFromOneByteBuffers() {
        pooledInputs = false;
        assertArrayEquals(DOC_PAYLOAD, decode(docDecoder(), oneByteBuffers(S3Examples.chunkedBody())));
    }

    @Test
    void documentationChunkedBodyDecodesFromRandomSplits() {
        Random random = new Random(42);
        int[] maxPieces = {200, 3_000, 20_000, 1_000};
        for (int round = 0; round < maxPieces.length; round++) {
            int max = maxPieces[round];
            assertArrayEquals(DOC_PAYLOAD,
                    decode(docDecoder(), randomSplit(S3Examples.chunkedBody(), random, max)), "round " + round);
        }
    }

    @Test
    void documentationVerifierAndDecoderWorkTogetherFromTheRequest() {
        SigV4Request request = S3Examples.chunkedPut();
        AuthResult auth = S3Examples.verifier(S3Examples.TIME).verify(request);
        AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(auth, request);
        assertArrayEquals(DOC_PAYLOAD, decode(decoder, List.of(S3Examples.chunkedBody())));
    }

    @Test
    void documentationBodyWithOneChangedPayloadByteIsSignatureDoesNotMatch() {
        byte[] body = S3Examples.chunkedBody();
        body[40_000] = 'b';
        AuthException e = assertThrows(AuthException.class, () -> decode(docDecoder(), List.of(body)));
        assertEquals("SignatureDoesNotMatch", e.code());
        assertEquals(403, e.status());
    }

    @Test
    void documentationBodyWithChangedFinalSignatureIsSignatureDoesNotMatch() {
        String text = new String(S3Examples.chunkedBody(), StandardCharsets.US_ASCII)
                .replace(S3Examples.FINAL_SIGNATURE, S3Examples.CHUNK2_SIGNATURE);
        AuthException e = assertThrows(AuthException.class,
                () -> decode(docDecoder(), List.of(text.getBytes(StandardCharsets.US_ASCII))));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void chunksInTheWrongOrderFailTheSignatureChain() {
        ChunkedBodyWriter a = new ChunkedBodyWriter(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT);
        byte[] first = a.chunk("first-chunk".getBytes(StandardCharsets.US_ASCII)).bytes();
        byte[] both = a.chunk("second".getBytes(StandardCharsets.US_ASCII)).bytes();
        byte[] second = Arrays.copyOfRange(both, first.length, both.length);
        ByteArrayOutputStream swapped = new ByteArrayOutputStream();
        swapped.writeBytes(second);
        swapped.writeBytes(first);
        AuthException e = assertThrows(AuthException.class, () -> decode(
                new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT, -1, null),
                List.of(swapped.toByteArray())));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void truncatedDocumentationBodyIsIncompleteBody() {
        byte[] body = S3Examples.chunkedBody();
        for (int cut : new int[] {0, 10, 90, 40_000, 65_626, body.length - 3}) {
            AuthException e = assertThrows(AuthException.class,
                    () -> decode(docDecoder(), List.of(Arrays.copyOf(body, cut))), "cut " + cut);
            assertEquals("IncompleteBody", e.code());
            assertEquals(400, e.status());
        }
    }

    @Test
    void decodedLengthDifferentFromDeclaredIsIncompleteBody() {
        for (long declared : new long[] {66559, 66561, 0}) {
            AwsChunkedDecoder decoder = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT, declared,
                    null);
            AuthException e = assertThrows(AuthException.class,
                    () -> decode(decoder, List.of(S3Examples.chunkedBody())));
            assertEquals("IncompleteBody", e.code());
        }
    }

    // ---- small bodies, every boundary --------------------------------------------------------------------------

    private static final byte[] SMALL_PAYLOAD = "The quick brown fox jumps over the lazy dog!".getBytes(StandardCharsets.US_ASCII);

    private static byte[] smallSignedTrailerBody() {
        return ChunkedBodyWriter.encode(PayloadMode.STREAMING_SIGNED_TRAILER, DOC_CONTEXT, SMALL_PAYLOAD, 16,
                Map.of("x-amz-checksum-crc32c", "sOO8/Q=="));
    }

    @Test
    void signedTrailerBodyDecodesAtEverySingleAndDoubleSplit() {
        pooledInputs = false;
        byte[] body = smallSignedTrailerBody();
        for (int i = 0; i <= body.length; i++) {
            AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, DOC_CONTEXT,
                    SMALL_PAYLOAD.length, "x-amz-checksum-crc32c");
            assertArrayEquals(SMALL_PAYLOAD, decode(d, split(body, i)), "split at " + i);
            assertEquals("sOO8/Q==", d.trailer("x-amz-checksum-crc32c").orElseThrow());
        }
        // Every second cut after a first cut at every 97th byte: all cut pairs would take minutes under
        // paranoid leak detection.
        for (int i = 0; i <= body.length; i += 97) {
            for (int j = i; j <= body.length; j++) {
                AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, DOC_CONTEXT,
                        SMALL_PAYLOAD.length, "x-amz-checksum-crc32c");
                assertArrayEquals(SMALL_PAYLOAD, decode(d, split(body, i, j)), "split at " + i + "," + j);
            }
        }
    }

    @Test
    void unsignedTrailerBodyDecodesFromOneByteBuffersAndPublishesTrailers() {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=");
        byte[] body = ChunkedBodyWriter.encode(PayloadMode.STREAMING_UNSIGNED_TRAILER, null, SMALL_PAYLOAD, 7,
                trailers);
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, null,
                SMALL_PAYLOAD.length, "x-amz-checksum-crc64nvme");
        Map<String, String>[] seen = new Map[1];
        d.trailers().subscribe(t -> seen[0] = t);
        assertArrayEquals(SMALL_PAYLOAD, decode(d, oneByteBuffers(body)));
        assertEquals(Map.of("x-amz-checksum-crc64nvme", "AAAAAAAAAAA="), seen[0]);
        assertEquals(Map.of("x-amz-checksum-crc64nvme", "AAAAAAAAAAA="), d.trailers().block());
    }

    @Test
    void unsignedTrailerBodyWithoutFinalEmptyLineIsAccepted() {
        String body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n";
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, null, 5, null);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                decode(d, List.of(body.getBytes(StandardCharsets.US_ASCII))));
        assertEquals("NhCmhg==", d.trailer("X-Amz-Checksum-CRC32").orElseThrow());
    }

    @Test
    void signedTrailerWithAlteredValueIsSignatureDoesNotMatch() {
        String body = new String(smallSignedTrailerBody(), StandardCharsets.ISO_8859_1)
                .replace("sOO8/Q==", "AAAAAA==");
        AuthException e = assertThrows(AuthException.class, () -> decode(
                new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, DOC_CONTEXT, -1, null),
                List.of(body.getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void signedTrailerWithoutTrailerSignatureIsSignatureDoesNotMatch() {
        String body = new String(smallSignedTrailerBody(), StandardCharsets.ISO_8859_1)
                .replaceAll("x-amz-trailer-signature:[0-9a-f]{64}\r\n", "");
        AuthException e = assertThrows(AuthException.class, () -> decode(
                new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, DOC_CONTEXT, -1, null),
                List.of(body.getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void missingDeclaredTrailerIsMalformedTrailerError() {
        byte[] body = ChunkedBodyWriter.encode(PayloadMode.STREAMING_UNSIGNED_TRAILER, null, SMALL_PAYLOAD, 64,
                Map.of());
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, null, -1,
                "x-amz-checksum-crc32");
        AuthException e = assertThrows(AuthException.class, () -> decode(d, List.of(body)));
        assertEquals("MalformedTrailerError", e.code());
        assertThrows(AuthException.class, () -> d.trailers().block());
    }

    @Test
    void malformedFramingIsInvalidRequest() {
        for (String bad : new String[] {
                "zz\r\nhello\r\n0\r\n\r\n",                  // size is not hex
                "5\nhello\r\n0\r\n\r\n",                     // bare LF after the header
                "5\r\nhelloXY0\r\n\r\n",                     // data not followed by CRLF
                "5\r\nhello\r\n0\r\nno-colon-here\r\n\r\n",  // trailer without a colon
                "1" + "0".repeat(15) + "\r\n",               // size beyond any body
                "5;" + "x".repeat(5000) + "\r\nhello\r\n0\r\n\r\n"}) { // header line too long
            AuthException e = assertThrows(AuthException.class, () -> decode(
                    new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, null, -1, null),
                    List.of(bad.getBytes(StandardCharsets.US_ASCII))), bad);
            assertTrue(e.code().equals("InvalidRequest") || e.code().equals("MalformedTrailerError"), e.code());
            assertEquals(400, e.status());
        }
    }

    @Test
    void signedModeRequiresAChunkSignatureOnEveryChunk() {
        AuthException e = assertThrows(AuthException.class, () -> decode(
                new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, DOC_CONTEXT, -1, null),
                List.of("5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("InvalidRequest", e.code());
    }

    @Test
    void cancellingMidStreamLeaksNothing() {
        byte[] body = S3Examples.chunkedBody();
        List<byte[]> pieces = randomSplit(body, new Random(7), 3000);
        List<ByteBuf> taken = new ArrayList<>();
        AwsChunkedDecoder decoderAfterCancel = docDecoder();
        decoderAfterCancel.decode(Flux.fromIterable(pieces).map(this::input)).take(3).doOnNext(taken::add).blockLast();
        assertEquals(3, taken.size());
        assertThrows(java.util.concurrent.CancellationException.class, () -> decoderAfterCancel.trailers().block());
        taken.forEach(ByteBuf::release);
        taken.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void decoderDecodesOnlyOneBodyAndOneSubscription() {
        AwsChunkedDecoder d = docDecoder();
        Flux<ByteBuf> decoded = d.decode(Flux.fromIterable(List.of(S3Examples.chunkedBody())).map(this::input));
        assertThrows(IllegalStateException.class, () -> d.decode(Flux.empty()));
        decoded.doOnNext(ByteBuf::release).blockLast();
        assertThrows(IllegalStateException.class, () -> decoded.blockLast());
    }

    @Test
    void storedContentEncodingDropsOnlyAwsChunked() {
        assertEquals(null, AwsChunkedDecoder.storedContentEncoding("aws-chunked"));
        assertEquals("gzip", AwsChunkedDecoder.storedContentEncoding("aws-chunked,gzip"));
        assertEquals("gzip, br", AwsChunkedDecoder.storedContentEncoding("gzip, AWS-Chunked, br"));
        assertEquals(null, AwsChunkedDecoder.storedContentEncoding("aws-chunked, aws-chunked"));
        // without aws-chunked the value is kept exactly as sent
        assertEquals("deflate, gzip", AwsChunkedDecoder.storedContentEncoding("deflate, gzip"));
        assertEquals("deflate,gzip", AwsChunkedDecoder.storedContentEncoding("deflate,gzip"));
        assertEquals(null, AwsChunkedDecoder.storedContentEncoding(null));
    }

    @Test
    void forRequestRejectsANonNumericDecodedLength() {
        SigV4Request request = SigV4Request.of("PUT", "/b/k", S3Examples.headers("Host", "h",
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length", "ten"));
        AuthResult auth = S3Examples.verifier(S3Examples.TIME).verify(request);
        AuthException e = assertThrows(AuthException.class, () -> AwsChunkedDecoder.forRequest(auth, request));
        assertEquals("InvalidArgument", e.code());
    }
}
