package io.coffer.gateway.auth;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Decodes a {@code Content-Encoding: aws-chunked} body as it streams, verifying chunk signatures
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) and collecting trailers ({@code x-amz-checksum-*}).
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

    /**
     * @param mode                 a streaming payload mode
     * @param streaming            the request's streaming context (required for signed modes)
     * @param decodedContentLength x-amz-decoded-content-length, or -1 when the client did not send it
     * @param declaredTrailer      the x-amz-trailer header value (e.g. "x-amz-checksum-crc32"), or null
     */
    public AwsChunkedDecoder(PayloadMode mode, StreamingContext streaming, long decodedContentLength,
                             String declaredTrailer) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A decoder for a verified request, reading x-amz-decoded-content-length and x-amz-trailer from it. */
    public static AwsChunkedDecoder forRequest(AuthResult auth, SigV4Request request) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Decoded payload; fails with {@link AuthException} (SignatureDoesNotMatch, IncompleteBody, ...). */
    public Flux<ByteBuf> decode(Publisher<ByteBuf> body) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Trailers (lower-case names, e.g. "x-amz-checksum-crc32c"), emitted when the body is fully decoded. */
    public Mono<Map<String, String>> trailers() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A trailer value once the decoded flux has completed; empty before or when absent. */
    public Optional<String> trailer(String name) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Number of payload bytes emitted so far. */
    public long decodedLength() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
