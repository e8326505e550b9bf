package io.coffer.gateway.s3;

import io.coffer.gateway.user.User;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The context of one authenticated S3 request, as the handlers see it.
 *
 * <p>{@link #body()} is the payload already decoded from aws-chunked when the client used it
 * (chunk signatures verified as the bytes pass), so handlers only ever see plaintext bytes. Each
 * emitted {@link ByteBuf} belongs to the subscriber, which must release it (or hand it to a
 * {@code Shard}, which releases it). Subscribe at most once; a handler that never subscribes simply
 * leaves the body unread (the server discards it). The body fails instead of completing when the
 * bytes are bad: chunk signatures ({@code SignatureDoesNotMatch}), a signed
 * {@code x-amz-content-sha256} ({@code XAmzContentSHA256Mismatch}, checked by the server for every
 * operation, so handlers need not hash for it), truncation ({@code IncompleteBody}). Commit nothing
 * before the body completed.
 */
public final class S3Request {
    private final String requestId;
    private final HttpMethod method;
    private final S3Operation operation;
    private final String bucket;
    private final String key;
    private final String path;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final User user;
    private final Flux<ByteBuf> body;
    private final long contentLength;
    private final Mono<Map<String, String>> trailers;

    public S3Request(String requestId, HttpMethod method, S3Operation operation, String bucket, String key,
                     String path, Map<String, List<String>> query, HttpHeaders headers, User user,
                     Flux<ByteBuf> body, long contentLength, Mono<Map<String, String>> trailers) {
        this.requestId = requestId;
        this.method = method;
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.path = path;
        this.query = Map.copyOf(query);
        this.headers = headers;
        this.user = user;
        this.body = body;
        this.contentLength = contentLength;
        this.trailers = trailers;
    }

    public String requestId() {
        return requestId;
    }

    public HttpMethod method() {
        return method;
    }

    public S3Operation operation() {
        return operation;
    }

    /** The bucket name, or null for service-level operations (ListBuckets). */
    public String bucket() {
        return bucket;
    }

    /** The object key (decoded, may contain any UTF-8), or null for bucket operations. */
    public String key() {
        return key;
    }

    /** The decoded request path, e.g. {@code /bucket/key}: S3's {@code <Resource>} for errors. */
    public String path() {
        return path;
    }

    /** All query parameters, decoded, in order of appearance. */
    public Map<String, List<String>> query() {
        return query;
    }

    /** First value of a query parameter; "" for a bare {@code ?name}; null if absent. */
    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public boolean hasQuery(String name) {
        return query.containsKey(name);
    }

    /** Request headers (case-insensitive lookup). */
    public HttpHeaders headers() {
        return headers;
    }

    /** Header value or null. */
    public String header(CharSequence name) {
        return headers.get(name);
    }

    public User user() {
        return user;
    }

    /** The decoded payload; see the class comment for buffer ownership. */
    public Flux<ByteBuf> body() {
        return body;
    }

    /**
     * Length of the decoded payload: {@code x-amz-decoded-content-length} for aws-chunked bodies,
     * otherwise Content-Length; -1 when the client sent neither.
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The trailing headers of an aws-chunked body with trailers ({@code x-amz-checksum-*}, names in
     * lower case), available once {@link #body()} completed; an empty map when there are none.
     */
    public Mono<Map<String, String>> trailers() {
        return trailers;
    }

    /** The {@code <Resource>} for errors about this request's bucket or object. */
    public String resource() {
        return path;
    }
}
