package io.coffer.gateway.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Decodes a {@code Content-Encoding: aws-chunked} body as it streams, verifying chunk signatures
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) and collecting trailers ({@code x-amz-checksum-*}).
 *
 * <p>Body grammar: {@code hex-size[;chunk-signature=sig]\r\n data \r\n} repeated, then a zero-size chunk,
 * then trailer lines {@code name:value\r\n} (with {@code x-amz-trailer-signature} last in the signed
 * variant) and an empty line.
 *
 * <p>One decoder per request; {@link #decode} may be called once. Input buffers may split chunk headers
 * anywhere; the decoder holds at most one header or trailer line (bounded) besides the buffer in hand, releases
 * every input buffer, and emits payload buffers the subscriber owns and must release.
 *
 * <p>Payload bytes are emitted before their chunk's signature is checked (the chunk may be megabytes); a
 * bad signature fails the stream with SignatureDoesNotMatch, so callers must not commit anything before
 * the decoded flux completes.
 */
public final class AwsChunkedDecoder {

    /** Longest chunk-header or trailer line: a size, a signature and room for extensions. */
    static final int MAX_LINE = 4096;
    /** All trailer lines together. */
    static final int MAX_TRAILER_BYTES = 16 * 1024;

    private static final String CHUNK_SIGNATURE = "chunk-signature";
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private enum State { HEADER, DATA, DATA_CR, DATA_LF, TRAILER, DONE }

    private final PayloadMode mode;
    private final StreamingContext streaming;
    private final long expectedLength;
    private final String declaredTrailer;
    private final AtomicBoolean used = new AtomicBoolean();
    private final Sinks.One<Map<String, String>> trailerSink = Sinks.one();

    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private State state = State.HEADER;
    private long remaining;
    private long decoded;
    private String chunkSignature;
    private String previousSignature;
    private final MessageDigest chunkDigest;
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private final StringBuilder canonicalTrailers = new StringBuilder();
    private int trailerBytes;
    private String trailerSignature;
    private volatile Map<String, String> completedTrailers;

    /**
     * @param mode                 a streaming payload mode
     * @param streaming            the request's streaming context (required for signed modes)
     * @param decodedContentLength x-amz-decoded-content-length, or -1 when the client did not send it
     * @param declaredTrailer      the x-amz-trailer header value (e.g. "x-amz-checksum-crc32"), or null
     */
    public AwsChunkedDecoder(PayloadMode mode, StreamingContext streaming, long decodedContentLength,
                             String declaredTrailer) {
        if (mode == null || !mode.isStreaming()) {
            throw new IllegalArgumentException("not a streaming payload mode: " + mode);
        }
        if (mode.hasChunkSignatures() && streaming == null) {
            throw new IllegalArgumentException(mode + " needs the request's streaming context");
        }
        this.mode = mode;
        this.streaming = streaming;
        this.expectedLength = decodedContentLength;
        this.declaredTrailer = declaredTrailer == null || declaredTrailer.isBlank()
                ? null : declaredTrailer.trim().toLowerCase(Locale.ROOT);
        this.previousSignature = streaming == null ? null : streaming.seedSignature();
        this.chunkDigest = mode.hasChunkSignatures() ? SigningCrypto.newSha256() : null;
    }

    /**
     * A decoder for a verified request, reading x-amz-decoded-content-length and x-amz-trailer from it.
     *
     * @throws AuthException InvalidArgument when x-amz-decoded-content-length is not a number
     */
    public static AwsChunkedDecoder forRequest(AuthResult auth, SigV4Request request) {
        String lengthHeader = request.header("x-amz-decoded-content-length");
        long length = -1;
        if (lengthHeader != null) {
            try {
                length = Long.parseLong(lengthHeader.trim());
            } catch (NumberFormatException e) {
                length = -2;
            }
            if (length < 0) {
                throw AuthException.invalidArgument("x-amz-decoded-content-length must be a non-negative number");
            }
        }
        return new AwsChunkedDecoder(auth.payloadMode(), auth.streaming(), length, request.header("x-amz-trailer"));
    }

    /**
     * The Content-Encoding to store for an object: the header without its aws-chunked tokens (they describe
     * the transfer, not the object), the other codings kept as sent ("deflate, gzip" stays "deflate, gzip");
     * null when nothing is left.
     */
    public static String storedContentEncoding(String contentEncoding) {
        if (contentEncoding == null) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        boolean chunked = false;
        for (String token : contentEncoding.split(",")) {
            String t = token.trim();
            if (t.equalsIgnoreCase("aws-chunked")) {
                chunked = true;
            } else if (!t.isEmpty()) {
                kept.add(t);
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        return chunked ? String.join(", ", kept) : contentEncoding.trim();
    }

    /** Decoded payload; fails with {@link AuthException} (SignatureDoesNotMatch, IncompleteBody, ...). */
    public Flux<ByteBuf> decode(Publisher<ByteBuf> body) {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("an AwsChunkedDecoder decodes one body");
        }
        AtomicBoolean subscribed = new AtomicBoolean();
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                // The state machine holds one body's position: a second subscription would corrupt it.
                return Flux.error(new IllegalStateException("the decoded body can be subscribed to once"));
            }
            return Flux.from(body);
        })
                .<ByteBuf>handle((buf, sink) -> {
                    ByteBuf out;
                    try {
                        out = feed(buf);
                    } catch (AuthException e) {
                        sink.error(e);
                        return;
                    } finally {
                        ReferenceCountUtil.release(buf);
                    }
                    if (out != null) {
                        sink.next(out);
                    }
                })
                .concatWith(Mono.defer(this::finish))
                .doOnError(e -> trailerSink.tryEmitError(e))
                .doOnCancel(() -> trailerSink.tryEmitError(
                        new CancellationException("the aws-chunked body was cancelled before its trailers")));
    }

    /** Trailers (lower-case names, e.g. "x-amz-checksum-crc32c"), emitted when the body is fully decoded. */
    public Mono<Map<String, String>> trailers() {
        return trailerSink.asMono();
    }

    /** A trailer value once the decoded flux has completed; empty before or when absent. */
    public Optional<String> trailer(String name) {
        Map<String, String> done = completedTrailers;
        return done == null ? Optional.empty() : Optional.ofNullable(done.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Number of payload bytes emitted so far. */
    public long decodedLength() {
        return decoded;
    }

    // ---- state machine ----------------------------------------------------------------------------------

    /** Consumes one input buffer (not released here); returns the payload it held, or null. */
    private ByteBuf feed(ByteBuf buf) {
        List<ByteBuf> out = null;
        try {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                switch (state) {
                    case HEADER, TRAILER -> {
                        int nl = buf.indexOf(i, end, (byte) '\n');
                        int stop = nl < 0 ? end : nl;
                        appendLine(buf, i, stop - i);
                        if (nl < 0) {
                            i = end;
                        } else {
                            i = nl + 1;
                            String text = takeLine();
                            if (state == State.HEADER) {
                                onChunkHeader(text);
                            } else {
                                onTrailerLine(text);
                            }
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        if (chunkDigest != null) {
                            digest(buf, i, n);
                        }
                        if (out == null) {
                            out = new ArrayList<>(2);
                        }
                        out.add(buf.retainedSlice(i, n));
                        i += n;
                        remaining -= n;
                        decoded += n;
                        if (expectedLength >= 0 && decoded > expectedLength) {
                            throw AuthException.incompleteBody();
                        }
                        if (remaining == 0) {
                            state = State.DATA_CR;
                        }
                    }
                    case DATA_CR -> {
                        expect(buf.getByte(i++), '\r');
                        state = State.DATA_LF;
                    }
                    case DATA_LF -> {
                        expect(buf.getByte(i++), '\n');
                        if (chunkDigest != null) {
                            verifyChunk(SigningCrypto.HEX.formatHex(chunkDigest.digest()));
                        }
                        state = State.HEADER;
                    }
                    case DONE -> i = end; // bytes after the final empty line carry nothing; drop them
                    default -> throw new IllegalStateException(state.name());
                }
            }
        } catch (RuntimeException e) {
            if (out != null) {
                out.forEach(ReferenceCountUtil::safeRelease);
            }
            throw e;
        }
        if (out == null) {
            return null;
        }
        if (out.size() == 1) {
            return out.get(0);
        }
        CompositeByteBuf composite = buf.alloc().compositeBuffer(out.size());
        composite.addComponents(true, out);
        return composite;
    }

    private void digest(ByteBuf buf, int index, int length) {
        if (buf.nioBufferCount() == 1) {
            chunkDigest.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                chunkDigest.update(b);
            }
        }
    }

    private void appendLine(ByteBuf buf, int index, int length) {
        if (lineLength + length > MAX_LINE) {
            throw malformed();
        }
        buf.getBytes(index, line, lineLength, length);
        lineLength += length;
    }

    /** The buffered line without its CR (a bare LF is refused). */
    private String takeLine() {
        if (lineLength == 0 || line[lineLength - 1] != '\r') {
            throw malformed();
        }
        String text = new String(line, 0, lineLength - 1, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        return text;
    }

    private void onChunkHeader(String header) {
        int semi = header.indexOf(';');
        String sizeText = (semi < 0 ? header : header.substring(0, semi)).trim();
        long size = parseHexSize(sizeText);
        chunkSignature = null;
        if (semi >= 0) {
            for (String ext : header.substring(semi + 1).split(";")) {
                int eq = ext.indexOf('=');
                String name = (eq < 0 ? ext : ext.substring(0, eq)).trim();
                if (CHUNK_SIGNATURE.equals(name) && eq >= 0) {
                    chunkSignature = ext.substring(eq + 1).trim();
                }
            }
        }
        if (mode.hasChunkSignatures() && !SigningCrypto.isLowerHex(chunkSignature, 64)) {
            throw malformed();
        }
        if (size == 0) {
            if (mode.hasChunkSignatures()) {
                verifyChunk(SigningCrypto.EMPTY_SHA256);
            }
            state = State.TRAILER;
        } else {
            remaining = size;
            state = State.DATA;
        }
    }

    private static long parseHexSize(String text) {
        if (text.isEmpty() || text.length() > 15) {
            throw malformed();
        }
        long size = 0;
        for (int i = 0; i < text.length(); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                throw malformed();
            }
            size = size << 4 | d;
        }
        return size;
    }

    private void onTrailerLine(String text) {
        if (text.isEmpty()) {
            endOfTrailers();
            return;
        }
        if (!mode.hasTrailer()) {
            throw malformed();
        }
        trailerBytes += text.length() + 2;
        if (trailerBytes > MAX_TRAILER_BYTES) {
            throw malformedTrailer();
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw malformedTrailer();
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).trim();
        if (TRAILER_SIGNATURE.equals(name)) {
            if (trailerSignature != null) {
                throw malformedTrailer();
            }
            trailerSignature = value;
            return;
        }
        if (trailerSignature != null) {
            // Nothing may follow the signature: it covers only the lines before it.
            throw malformedTrailer();
        }
        trailers.put(name, value);
        canonicalTrailers.append(name).append(':').append(value).append('\n');
    }

    private void endOfTrailers() {
        if (mode == PayloadMode.STREAMING_SIGNED_TRAILER) {
            if (trailerSignature == null) {
                throw AuthException.signatureDoesNotMatch();
            }
            String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + streaming.amzDate() + '\n' + streaming.scope()
                    + '\n' + previousSignature + '\n' + SigningCrypto.sha256Hex(canonicalTrailers.toString());
            String expected = SigningCrypto.hmacHex(streaming.signingKeyNoCopy(), stringToSign);
            if (!SigningCrypto.signaturesEqual(expected, trailerSignature)) {
                throw AuthException.signatureDoesNotMatch();
            }
        }
        state = State.DONE;
    }

    private void verifyChunk(String chunkSha256) {
        String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + streaming.amzDate() + '\n' + streaming.scope() + '\n'
                + previousSignature + '\n' + SigningCrypto.EMPTY_SHA256 + '\n' + chunkSha256;
        String expected = SigningCrypto.hmacHex(streaming.signingKeyNoCopy(), stringToSign);
        if (!SigningCrypto.signaturesEqual(expected, chunkSignature)) {
            throw AuthException.signatureDoesNotMatch();
        }
        previousSignature = chunkSignature;
    }

    private Mono<ByteBuf> finish() {
        // Some clients end the body after the last chunk or trailer line, without the final empty line.
        if (state == State.TRAILER && lineLength == 0) {
            endOfTrailers();
        }
        if (state != State.DONE) {
            return Mono.error(AuthException.incompleteBody());
        }
        if (expectedLength >= 0 && decoded != expectedLength) {
            return Mono.error(AuthException.incompleteBody());
        }
        if (declaredTrailer != null && mode.hasTrailer() && !trailers.containsKey(declaredTrailer)) {
            return Mono.error(malformedTrailer());
        }
        Map<String, String> done = Collections.unmodifiableMap(new LinkedHashMap<>(trailers));
        completedTrailers = done;
        trailerSink.tryEmitValue(done);
        return Mono.empty();
    }

    private static void expect(byte actual, char wanted) {
        if (actual != wanted) {
            throw malformed();
        }
    }

    private static AuthException malformed() {
        return AuthException.invalidRequest("The aws-chunked body is malformed.");
    }

    private static AuthException malformedTrailer() {
        return new AuthException("MalformedTrailerError", 400, "The request contained trailing data that was not "
                + "well-formed or did not conform to our published schema.");
    }
}
