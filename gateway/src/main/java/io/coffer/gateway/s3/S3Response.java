package io.coffer.gateway.s3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * What a handler answers: status, headers and an optional streamed body of known length. The
 * dispatcher sends it: Content-Length is always set from {@link #contentLength()} (never chunked),
 * HEAD requests get the headers without the body, and the common S3 headers (x-amz-request-id,
 * x-amz-id-2, Server, Date) are added there.
 *
 * <p>The body publisher's buffers are released by the server as it writes them; if the response is
 * never sent (the connection dropped) the subscription is cancelled.
 */
public final class S3Response {
    private int status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private Publisher<ByteBuf> body;
    private long contentLength;

    private S3Response(int status) {
        this.status = status;
    }

    public static S3Response status(int status) {
        return new S3Response(status);
    }

    /** 200 with an empty body (Content-Length: 0). */
    public static S3Response ok() {
        return new S3Response(200);
    }

    /** 204 No Content. */
    public static S3Response noContent() {
        return new S3Response(204);
    }

    /** 200 with an XML document (use {@link S3Xml} to build it). */
    public static S3Response xml(String xml) {
        return ok().xmlBody(xml);
    }

    /** Sets an XML body of the given document; Content-Type application/xml. */
    public S3Response xmlBody(String xml) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        headers.set("Content-Type", "application/xml");
        // allocated on subscription, so an unsent response leaks nothing; a Mono, so the server writes
        // headers and document as one message
        this.body = Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes));
        this.contentLength = bytes.length;
        return this;
    }

    /**
     * Sets a streamed body of exactly {@code length} bytes (a GET). The publisher's buffers must be
     * owned by it (the server releases them after writing). For HEAD, pass the real length and a null
     * body: the server sends Content-Length without a body.
     */
    public S3Response body(Publisher<ByteBuf> body, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length < 0");
        }
        this.body = body;
        this.contentLength = length;
        return this;
    }

    /** Declares a Content-Length without a body (HEAD object). */
    public S3Response contentLength(long length) {
        return body(null, length);
    }

    public S3Response header(CharSequence name, Object value) {
        headers.set(name, value);
        return this;
    }

    public S3Response withStatus(int status) {
        this.status = status;
        return this;
    }

    /** Sets {@code Last-Modified} in RFC 1123. */
    public S3Response lastModified(long epochMillis) {
        headers.set("Last-Modified", HttpDate.format(epochMillis));
        return this;
    }

    /** Sets {@code ETag}, quoting it as S3 does. */
    public S3Response etag(String etag) {
        headers.set("ETag", etag.startsWith("\"") ? etag : "\"" + etag + "\"");
        return this;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The body, or null for none. */
    public Publisher<ByteBuf> body() {
        return body;
    }

    public long contentLength() {
        return contentLength;
    }
}
