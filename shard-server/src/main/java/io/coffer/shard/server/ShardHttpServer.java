package io.coffer.shard.server;

import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.wire.ErrorStatus;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireFormat;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The shard's HTTP API at {@code /v1/...} on Reactor Netty: every request is authenticated
 * ({@link RequestAuthenticator}) before its body is read or the engine is touched, then routed
 * ({@link ShardRoute}) to a handler. Handlers only compose the engine's Monos, which run on the
 * engine's own scheduler, so nothing here blocks an event loop.
 */
public final class ShardHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardHttpServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.coffer.shard.server.access");

    private final Shard shard;
    private final RequestAuthenticator auth;
    private final ServerCounters counters = new ServerCounters();
    private final BucketHandler buckets;
    private final SectorHandler sectors;
    private final VersionHandler versions;
    private final UploadHandler uploads;
    private final ControlHandler control;
    private final DisposableServer server;

    private ShardHttpServer(ShardServerOptions options, Shard shard, ControlStore controlStore,
                            SectorRegionSource regions, LongSupplier clock) {
        this.shard = shard;
        this.auth = new RequestAuthenticator(options.secret(), clock);
        this.buckets = new BucketHandler(shard);
        this.sectors = new SectorHandler(shard, regions, options.secret());
        this.versions = new VersionHandler(shard);
        this.uploads = new UploadHandler(shard);
        this.control = new ControlHandler(controlStore);
        this.server = HttpServer.create()
                .host(options.host())
                .port(options.port())
                .readTimeout(options.readTimeout())
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(30));
        LOG.info("shard {} serving /v1 on {}:{}", shard.id(), options.host(), server.port());
    }

    /**
     * Binds a server over {@code shard}.
     *
     * @param controlStore the control store to expose, or null (its routes then answer UNAVAILABLE)
     * @param regions      the engine's zero-copy read path, or null to stream {@code readSector} buffers
     */
    public static ShardHttpServer start(ShardServerOptions options, Shard shard, ControlStore controlStore,
                                        SectorRegionSource regions) {
        return new ShardHttpServer(options, shard, controlStore, regions, System::currentTimeMillis);
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    public ServerCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    /** Each exchange starts in a task of its own ({@link ExchangeTask}: a health check answered inside the call hangs). */
    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        return ExchangeTask.later(req, () -> exchange(req, res));
    }

    private Mono<Void> exchange(HttpServerRequest req, HttpServerResponse res) {
        long start = System.nanoTime();
        counters.requests.increment();
        String uri = req.uri();
        int q = uri.indexOf('?');
        ShardRoute route = ShardRoute.match(req.method(), q < 0 ? uri : uri.substring(0, q));
        Mono<Void> work;
        if (route == null) {
            work = sendError(res, 404, new ShardException(Code.INVALID_ARGUMENT, "no such route"));
        } else {
            String denied = auth.check(req.method().name(), uri, req.requestHeaders(), route);
            if (denied != null) {
                counters.authFailures.increment();
                LOG.debug("refused {} {}: {}", req.method(), q < 0 ? uri : uri.substring(0, q), denied);
                work = sendError(res, 403, new ShardException(Code.UNAUTHORIZED, "request not authenticated"));
            } else {
                work = Mono.defer(() -> verifiedBody(req, route))
                        .flatMap(body -> dispatch(new ShardExchange(req, res, route, body, counters)))
                        .onErrorResume(e -> fail(res, e));
            }
        }
        return work.doFinally(signal -> {
            if (ACCESS.isDebugEnabled()) {
                ACCESS.debug("method={} path={} status={} in={} out={} micros={} signal={}", req.method(),
                        q < 0 ? uri : uri.substring(0, q), res.status().code(),
                        req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH, "0"),
                        res.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH, "-"),
                        (System.nanoTime() - start) / 1000, signal);
            }
        });
    }

    /**
     * The metadata body, aggregated (it is small and bounded) and checked against the signed hash,
     * or an empty array for routes without one. Sector bodies stream: they return an empty array here
     * and are checked by their trailing MAC.
     */
    private Mono<byte[]> verifiedBody(HttpServerRequest req, ShardRoute route) {
        if (route == ShardRoute.SECTOR_PUT) {
            return Mono.just(new byte[0]);
        }
        HttpHeaders headers = req.requestHeaders();
        String claimed = headers.get(WireFormat.CONTENT_SHA256_HEADER);
        long length = ShardExchange.contentLength(req);
        if (length < 0 && headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, "chunked", true)) {
            return Mono.error(new ShardException(Code.INVALID_ARGUMENT, "Content-Length required"));
        }
        if (length > WireFormat.MAX_METADATA_BODY) {
            return Mono.error(new ShardException(Code.INVALID_ARGUMENT, "metadata body too large"));
        }
        if (length <= 0) {
            return RequestSignature.EMPTY_BODY_SHA256.equals(claimed)
                    ? Mono.just(new byte[0])
                    : Mono.error(unauthorized());
        }
        counters.bytesIn.add(length);
        return req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).handle((body, sink) -> {
            if (RequestSignature.sha256Hex(body).equals(claimed)) {
                sink.next(body);
            } else {
                counters.authFailures.increment();
                sink.error(unauthorized());
            }
        });
    }

    private Mono<Void> dispatch(ShardExchange ex) {
        return switch (ex.route) {
            case HEALTH -> ex.reply(w -> w.writeString(shard.id()));
            case STATS -> shard.stats().flatMap(s -> ex.reply(w -> WireCodec.writeStats(w, s)));
            case BUCKET_CREATE -> buckets.create(ex);
            case BUCKET_LIST -> buckets.list(ex);
            case BUCKET_GET -> buckets.get(ex);
            case BUCKET_UPDATE -> buckets.update(ex);
            case BUCKET_DELETE -> buckets.delete(ex);
            case BUCKET_GENERATION -> buckets.nextGeneration(ex);
            case SECTOR_PUT -> sectors.put(ex);
            case SECTOR_GET -> sectors.get(ex);
            case SECTOR_INFO -> sectors.info(ex);
            case SECTOR_DELETE -> sectors.delete(ex);
            case VERSION_PUT -> versions.put(ex);
            case VERSION_GET -> versions.get(ex);
            case VERSION_DELETE -> versions.delete(ex);
            case LIST -> versions.list(ex);
            case UPLOAD_CREATE -> uploads.create(ex);
            case UPLOAD_LIST -> uploads.listUploads(ex);
            case UPLOAD_GET -> uploads.get(ex);
            case UPLOAD_ABORT -> uploads.abort(ex);
            case UPLOAD_COMPLETE -> uploads.complete(ex);
            case PART_PUT -> uploads.putPart(ex);
            case PART_LIST -> uploads.listParts(ex);
            case CONTROL_GET -> control.get(ex);
            case CONTROL_PUT -> control.put(ex);
            case CONTROL_DELETE -> control.delete(ex);
            case CONTROL_SCAN -> control.scan(ex);
        };
    }

    /** Maps a failure to its wire error; once headers are out the connection is cut instead. */
    private Mono<Void> fail(HttpServerResponse res, Throwable e) {
        if (e instanceof AbortedException || e instanceof IOException) {
            // the peer went away mid-request (a client aborting a body, a gateway crashing): nothing to answer
            LOG.debug("shard request aborted by peer: {}", e.toString());
            return Mono.empty();
        }
        ShardException se;
        if (e instanceof ShardException s) {
            se = s;
        } else if (e instanceof IllegalArgumentException) {
            se = new ShardException(Code.INVALID_ARGUMENT, e.getMessage());
        } else {
            LOG.error("internal error serving shard request", e);
            se = new ShardException(Code.INTERNAL, "internal error");
        }
        if (res.hasSentHeaders()) {
            return Mono.error(e);
        }
        return sendError(res, ErrorStatus.of(se.code()), se);
    }

    private static Mono<Void> sendError(HttpServerResponse res, int status, ShardException e) {
        byte[] message = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
        return res.status(status)
                .header(WireFormat.ERROR_HEADER, e.code().name())
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(message.length))
                .sendByteArray(Mono.just(message)).then();
    }

    private static ShardException unauthorized() {
        return new ShardException(Code.UNAUTHORIZED, "request not authenticated");
    }
}
