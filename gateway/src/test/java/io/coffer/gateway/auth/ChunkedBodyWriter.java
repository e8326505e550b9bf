package io.coffer.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Test-side aws-chunked encoder, written from the S3 documentation (independently of the decoder), so
 * tests can build bodies of any shape; checked against the documentation's example in
 * {@link AwsChunkedDecoderTest}.
 */
final class ChunkedBodyWriter {

    private final PayloadMode mode;
    private final StreamingContext context;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private String previous;

    ChunkedBodyWriter(PayloadMode mode, StreamingContext context) {
        this.mode = mode;
        this.context = context;
        this.previous = context == null ? null : context.seedSignature();
    }

    /** Whole body in chunks of {@code chunkSize}, the zero chunk and the given trailers. */
    static byte[] encode(PayloadMode mode, StreamingContext context, byte[] payload, int chunkSize,
                         Map<String, String> trailers) {
        ChunkedBodyWriter w = new ChunkedBodyWriter(mode, context);
        for (int off = 0; off < payload.length; off += chunkSize) {
            w.chunk(Arrays.copyOfRange(payload, off, Math.min(payload.length, off + chunkSize)));
        }
        w.chunk(new byte[0]);
        w.trailers(trailers);
        return w.bytes();
    }

    String chunkSignature(byte[] data) {
        String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + context.amzDate() + "\n" + context.scope() + "\n" + previous
                + "\n" + SigningCrypto.EMPTY_SHA256 + "\n" + SigningCrypto.sha256Hex(data);
        return SigningCrypto.hmacHex(context.signingKey(), sts);
    }

    ChunkedBodyWriter chunk(byte[] data) {
        write(Integer.toHexString(data.length));
        if (mode.hasChunkSignatures()) {
            String sig = chunkSignature(data);
            write(";chunk-signature=" + sig);
            previous = sig;
        }
        write("\r\n");
        out.writeBytes(data);
        if (data.length > 0) {
            write("\r\n");
        }
        return this;
    }

    ChunkedBodyWriter trailers(Map<String, String> trailers) {
        if (mode.hasTrailer()) {
            StringBuilder canonical = new StringBuilder();
            trailers.forEach((k, v) -> {
                write(k + ":" + v + "\r\n");
                canonical.append(k).append(':').append(v).append('\n');
            });
            if (mode == PayloadMode.STREAMING_SIGNED_TRAILER) {
                String sts = "AWS4-HMAC-SHA256-TRAILER\n" + context.amzDate() + "\n" + context.scope() + "\n"
                        + previous + "\n" + SigningCrypto.sha256Hex(canonical.toString());
                write("x-amz-trailer-signature:" + SigningCrypto.hmacHex(context.signingKey(), sts) + "\r\n");
            }
        }
        write("\r\n");
        return this;
    }

    ChunkedBodyWriter raw(String s) {
        write(s);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
