package io.coffer.gateway.server;

import io.coffer.gateway.config.GatewayConfig;
import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.gateway.s3.S3Dispatcher;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.HttpDate;
import io.coffer.gateway.s3.S3ErrorWriter;
import io.coffer.gateway.s3.S3Errors;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Request;
import io.coffer.gateway.s3.S3Response;
import io.coffer.gateway.s3.S3Route;
import io.coffer.gateway.s3.S3Router;
import io.coffer.shard.server.ExchangeTask;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The S3 data plane: a Reactor Netty server with our own dispatcher. Per request it routes,
 * admits (concurrency limit), authenticates before reading any body byte (so {@code 100 Continue}
 * goes only to authenticated clients: Reactor Netty sends it when the body is first subscribed),
 * dispatches, and writes the response with an exact Content-Length. All errors become S3's XML.
 *
 * <p>An eager bean: it binds in its constructor and disposes in {@link #close()}.
 */
@Context
public final class S3Server {
    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    /** The per-request log line; DEBUG, never carries secrets or signatures. */
    private static final Logger REQUEST_LOG = LoggerFactory.getLogger("io.coffer.gateway.request");

    /** Errors after which the connection's framing cannot be trusted: the body was not what was declared. */
    private static final Set<String> FRAMING_ERRORS = Set.of(S3Error.BAD_DIGEST.code(),
            S3Error.INCOMPLETE_BODY.code(), S3Error.X_AMZ_CONTENT_SHA256_MISMATCH.code());

    private final S3Router router;
    private final RequestAuthenticator authenticator;
    private final S3Dispatcher dispatcher;
    private final ConcurrencyLimit limit;
    private final S3Metrics metrics;
    private final DisposableServer server;

    public S3Server(GatewayConfig config, RequestAuthenticator authenticator, S3Dispatcher dispatcher,
                    MeterRegistry registry) {
        this.router = new S3Router(config.getDomain());
        this.authenticator = authenticator;
        this.dispatcher = dispatcher;
        this.limit = new ConcurrencyLimit(config.getMaxConcurrentRequests());
        this.metrics = new S3Metrics(registry, limit::inFlight);
        this.server = HttpServer.create()
                .host(config.getBindHost())
                .port(config.getS3Port())
                // keys are up to 1024 bytes, percent-encoded up to 3x, plus subresources and presigned queries
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(16 * 1024).maxHeaderSize(64 * 1024))
                // keep-alive connections with no request in progress are closed after a minute, as S3 does
                .idleTimeout(Duration.ofSeconds(60))
                // and a request body that stops arriving is cut off (S3 closes stalled uploads too)
                .readTimeout(config.getReadTimeout())
                .handle(this::handle)
                .bindNow();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    /** The limit on requests in flight (exposed for the management view and tests). */
    public ConcurrencyLimit concurrencyLimit() {
        return limit;
    }

    @PreDestroy
    public void close() {
        server.disposeNow();
    }

    /**
     * Each exchange starts in a task of its own on its event loop ({@link ExchangeTask}): answered
     * inside Reactor Netty's handler call, a HEAD pipelined behind a PUT left the connection unread.
     */
    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        return ExchangeTask.later(req, () -> exchange(req, res));
    }

    private Mono<Void> exchange(HttpServerRequest req, HttpServerResponse res) {
        RequestRecord rec = new RequestRecord(RequestIds.requestId(), req.method().name());
        boolean admitted = limit.tryAcquire();
        // a GET's body holds its first segment before it is sent: released if it never is
        UnsentBody unsent = new UnsentBody();
        Mono<S3Response> response = admitted
                ? Mono.defer(() -> process(req, rec)).map(unsent::track)
                : Mono.error(new S3Exception(S3Error.SLOW_DOWN));
        return response
                .onErrorResume(e -> Mono.just(errorResponse(e, req, rec)))
                .flatMap(r -> withCors(req, rec, r))
                .flatMap(r -> send(req, res, r, rec))
                .onErrorResume(e -> {
                    // headers are out, so no S3 error can be sent any more: cut the connection so the client
                    // sees a short body instead of a truncated object that looks complete
                    rec.errorCode = rec.errorCode == null ? "ResponseAborted" : rec.errorCode;
                    LOG.warn("request {} aborted while sending the response: {}", rec.requestId, e.toString());
                    res.withConnection(c -> c.channel().close());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    unsent.end();
                    if (admitted) {
                        limit.release();
                    }
                    finish(rec);
                });
    }

    private Mono<S3Response> process(HttpServerRequest req, RequestRecord rec) {
        HttpHeaders headers = req.requestHeaders();
        HeaderValues.decodeUtf8(headers);
        if (req.method().equals(HttpMethod.OPTIONS) && !headers.contains(HttpHeaderNames.ORIGIN)) {
            // a CORS preflight is never signed; without an Origin it is not one at all
            return Mono.error(new S3Exception(S3Error.INVALID_REQUEST, null,
                    "Insufficient information. Origin request header needed."));
        }
        S3Route route = router.route(req.method(), req.uri(), headers.get(HttpHeaderNames.HOST), headers);
        rec.operation = route.operation();
        rec.bucket = route.bucket();
        rec.key = route.key();
        rec.resource = route.path();
        if (req.method().equals(HttpMethod.OPTIONS)) {
            // CORS preflight: browsers send it without credentials; the bucket's CORS rules answer it
            return dispatcher.cors().answer(route.bucket(), headers, route.path());
        }
        Flux<ByteBuf> raw = req.receive()
                .retain()
                .doOnNext(b -> rec.bytesIn.addAndGet(b.readableBytes()))
                .doOnComplete(() -> rec.bodyComplete = true);
        return authenticator.authenticate(req.method(), req.uri(), headers, route, raw)
                .flatMap(auth -> {
                    if (!route.operation().implemented()) {
                        return Mono.error(new S3Exception(S3Error.NOT_IMPLEMENTED, route.path(),
                                "A header or query you provided implies functionality that is not implemented ("
                                        + route.operation().tag() + ")"));
                    }
                    S3Request s3 = new S3Request(rec.requestId, req.method(), route.operation(), route.bucket(),
                            route.key(), route.path(), route.query(), headers, auth.user(),
                            DiscardedBuffers.released(auth.body()),
                            auth.contentLength(), auth.trailers());
                    return dispatcher.dispatch(s3).doFinally(signal -> auth.onFinish().run());
                })
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("handler completed without a response")));
    }

    /** Access-Control-* headers for a request with an Origin, when the bucket's CORS rules allow it. */
    private Mono<S3Response> withCors(HttpServerRequest req, RequestRecord rec, S3Response r) {
        String origin = req.requestHeaders().get("Origin");
        if (origin == null || req.method().equals(HttpMethod.OPTIONS)) {
            return Mono.just(r);
        }
        String method = req.requestHeaders().get("Access-Control-Request-Method");
        return dispatcher.cors().decorate(rec.bucket, origin, method != null ? method : req.method().name(), r);
    }

    private S3Response errorResponse(Throwable e, HttpServerRequest req, RequestRecord rec) {
        S3Exception s3e = S3Errors.from(e, null);
        if (S3Errors.isServerFault(s3e.error())) {
            // the one place unexpected failures are logged, with the id the client got
            LOG.error("request {} {} {} failed: {}", rec.requestId, rec.method, rec.operation.tag(), e.toString(), e);
        }
        rec.errorCode = s3e.error().code();
        String resource = s3e.resource() != null ? s3e.resource() : rec.resource;
        if (resource == null) {
            String uri = req.uri();
            int q = uri.indexOf('?');
            resource = q < 0 ? uri : uri.substring(0, q);
        }
        return S3ErrorWriter.toResponse(s3e, resource, rec.requestId);
    }

    private Mono<Void> send(HttpServerRequest req, HttpServerResponse res, S3Response r, RequestRecord rec) {
        rec.status = r.status();
        res.status(HttpResponseStatus.valueOf(r.status()));
        HttpHeaders h = res.responseHeaders();
        h.set("x-amz-request-id", rec.requestId);
        h.set("x-amz-id-2", RequestIds.hostId());
        h.set("Date", HttpDate.now());
        h.set("Server", "Coffer");
        r.headers().forEach(e -> h.add(HeaderNames.canonical(e.getKey()), HeaderValues.toWire(e.getValue())));
        boolean noContentStatus = r.status() == 204 || r.status() == 304 || r.status() < 200;
        if (!noContentStatus) {
            h.set("Content-Length", r.contentLength());
        }
        if (rec.errorCode != null && (hasUnreadBody(req, rec) || FRAMING_ERRORS.contains(rec.errorCode))) {
            // we answered without reading the body, or the body did not match what its headers declared (a client
            // that sends more bytes than its Content-Length): never parse those bytes as the next request
            res.keepAlive(false);
        }
        Publisher<ByteBuf> body = r.body();
        if (body == null || noContentStatus || req.method().equals(HttpMethod.HEAD) || r.contentLength() == 0) {
            // a body not sent (HEAD keeps the Content-Length GET would send) is drained by UnsentBody
            return res.send().then();
        }
        Consumer<ByteBuf> counted = b -> rec.bytesOut.addAndGet(b.readableBytes());
        if (body instanceof Mono<ByteBuf> one) {
            // one buffer (a small object, an XML document): Reactor Netty writes it with the headers as one
            // full response and one flush; a Flux would go through its streaming path (a write, then a
            // flush in a task of its own, then the last-content marker)
            return res.send(one.doOnNext(counted)).then();
        }
        return res.send(Flux.from(body).doOnNext(counted)).then();
    }

    private static boolean hasUnreadBody(HttpServerRequest req, RequestRecord rec) {
        if (rec.bodyComplete) {
            return false;
        }
        HttpHeaders h = req.requestHeaders();
        return h.contains(HttpHeaderNames.TRANSFER_ENCODING) || h.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > 0;
    }

    private void finish(RequestRecord rec) {
        if (rec.status == 0) {
            rec.status = 499; // client went away before we answered
        }
        metrics.record(rec);
        if (REQUEST_LOG.isDebugEnabled()) {
            REQUEST_LOG.debug("method={} op={} bucket={} key={} status={} error={} in={} out={} us={} id={}",
                    rec.method, rec.operation.tag(), rec.bucket, rec.key, rec.status, rec.errorCode,
                    rec.bytesIn.get(), rec.bytesOut.get(), rec.micros(), rec.requestId);
        }
    }

}
