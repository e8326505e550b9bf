package io.coffer.shard.client;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ControlStore;
import io.coffer.shard.api.ListPage;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.wire.BodyMac;
import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.ErrorStatus;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireFormat;
import io.coffer.shard.wire.WireQuery;
import io.coffer.shard.wire.WireReader;
import io.coffer.shard.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

/**
 * A {@link Shard} and {@link ControlStore} on the other end of a network connection, speaking the
 * shard's {@code /v1} protocol over a pooled, keep-alive Reactor Netty {@link HttpClient}.
 *
 * <p>Semantics match the engine: the same {@link ShardException} codes come back (a connection or
 * transport failure is {@code UNAVAILABLE}); sector uploads stream the caller's buffers with
 * backpressure (each is released once written); sector reads stream buffers the subscriber owns.
 */
public final class RemoteShard implements Shard, ControlStore {
    private static final SecureRandom NONCES = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final String shardId;
    private final ClusterSecret secret;
    private final ConnectionProvider pool;
    private final HttpClient http;

    private RemoteShard(String shardId, String host, int port, ClusterSecret secret, int maxConnections) {
        this.shardId = shardId;
        this.secret = secret;
        this.pool = ConnectionProvider.builder("coffer-shard-" + host + "-" + port)
                .maxConnections(maxConnections)
                .maxIdleTime(Duration.ofSeconds(30))
                .pendingAcquireTimeout(Duration.ofSeconds(30))
                .build();
        this.http = HttpClient.create(pool)
                .host(host)
                .port(port)
                .keepAlive(true)
                .responseTimeout(Duration.ofMinutes(2));
    }

    /**
     * A client for a shard whose id is already known (from the cluster map), without a round trip.
     */
    public static RemoteShard of(String shardId, String host, int port, ClusterSecret secret) {
        return new RemoteShard(shardId, host, port, secret, 64);
    }

    /** Connects, reads the shard's id from {@code /v1/health}, and answers a ready client. */
    public static Mono<RemoteShard> connect(String host, int port, ClusterSecret secret) {
        RemoteShard probe = new RemoteShard("", host, port, secret, 64);
        return probe.health()
                .map(id -> new RemoteShard(id, host, port, secret, 64))
                .doFinally(s -> probe.pool.disposeLater().subscribe());
    }

    @Override
    public String id() {
        return shardId;
    }

    /** The shard's id as it reports it; fails UNAVAILABLE if it cannot be reached. */
    public Mono<String> health() {
        return call(HttpMethod.GET, "/v1/health", null, WireReader::readString);
    }

    // ---- buckets ----

    @Override
    public Mono<BucketInfo> createBucket(BucketInfo bucket) {
        return call(HttpMethod.POST, "/v1/buckets", w -> WireCodec.writeBucket(w, bucket), WireCodec::readBucket);
    }

    @Override
    public Mono<Optional<BucketInfo>> getBucket(String name) {
        return call(HttpMethod.GET, WireQuery.path("/v1/bucket").param("name", name).toString(), null,
                r -> r.readBoolean() ? Optional.of(WireCodec.readBucket(r)) : Optional.empty());
    }

    @Override
    public Mono<BucketInfo> updateBucket(BucketInfo bucket) {
        return call(HttpMethod.PUT, "/v1/bucket", w -> WireCodec.writeBucket(w, bucket), WireCodec::readBucket);
    }

    @Override
    public Mono<Void> deleteBucket(String name) {
        return callVoid(HttpMethod.DELETE, WireQuery.path("/v1/bucket").param("name", name).toString(), null);
    }

    @Override
    public Flux<BucketInfo> listBuckets() {
        return call(HttpMethod.GET, "/v1/buckets", null, r -> {
            int n = r.readCount();
            List<BucketInfo> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(WireCodec.readBucket(r));
            }
            return out;
        }).flatMapIterable(Function.identity());
    }

    @Override
    public Mono<Long> nextGeneration(String bucket, long atLeast) {
        return call(HttpMethod.POST,
                WireQuery.path("/v1/bucket/generation").param("name", bucket).param("atLeast", atLeast).toString(),
                null, WireReader::readLong);
    }

    // ---- sectors ----

    @Override
    public Mono<SectorInfo> putSector(SectorId id, long length, Publisher<ByteBuf> body) {
        if (length < 0) {
            return Mono.error(new ShardException(Code.INVALID_ARGUMENT, "length < 0"));
        }
        String uri = WireQuery.path("/v1/sectors/" + id.hex()).param("length", length).toString();
        return Mono.defer(() -> {
            Signed signed = sign(HttpMethod.PUT, uri, WireFormat.UNSIGNED_TRAILER);
            BodyMac mac = new BodyMac(secret, signed.authorization);
            long[] sent = {0};
            String[] problem = {null};
            Flux<ByteBuf> sectorBytes = Flux.from(body).<ByteBuf>handle((buf, sink) -> {
                int n = buf.readableBytes();
                if (sent[0] + n > length) {
                    ReferenceCountUtil.release(buf);
                    problem[0] = "sector body longer than the declared " + length + " bytes";
                    sink.complete(); // stop reading the caller's body
                    return;
                }
                mac.update(buf, buf.readerIndex(), n);
                sent[0] += n;
                sink.next(buf);
            });
            // A body of the wrong length is the caller's error, not the network's: rather than cutting
            // the connection, finish the declared length with filler and a trailer that cannot verify,
            // so the shard refuses the sector cleanly and the connection stays reusable.
            Flux<ByteBuf> withTrailer = sectorBytes.concatWith(Flux.defer(() -> {
                long missing = length - sent[0];
                if (missing > 0 && problem[0] == null) {
                    problem[0] = "sector body ended after " + sent[0] + " of the declared " + length + " bytes";
                }
                if (problem[0] == null) {
                    return Mono.just(Unpooled.wrappedBuffer(mac.finish()));
                }
                return filler(missing).concatWith(Mono.fromCallable(() -> Unpooled.wrappedBuffer(new byte[BodyMac.LENGTH])));
            }));
            return http.headers(h -> signed.apply(h).set(HttpHeaderNames.CONTENT_LENGTH, length + BodyMac.LENGTH))
                    .put().uri(uri)
                    .send(withTrailer)
                    .responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                            .map(bytes -> {
                                if (problem[0] != null) {
                                    throw new ShardException(Code.INVALID_ARGUMENT, problem[0]);
                                }
                                return decode(res, bytes, WireCodec::readSectorInfo);
                            }));
        }).onErrorMap(RemoteShard::transportError);
    }

    @Override
    public Flux<ByteBuf> readSector(SectorId id, long offset, long length) {
        String uri = WireQuery.path("/v1/sectors/" + id.hex()).param("offset", offset).param("length", length).toString();
        return Flux.defer(() -> {
            Signed signed = sign(HttpMethod.GET, uri, RequestSignature.EMPTY_BODY_SHA256);
            return http.headers(signed::apply).get().uri(uri).response((res, content) -> {
                if (res.status().code() == 200) {
                    return content.retain();
                }
                return content.aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> Mono.<ByteBuf>error(error(res, bytes)));
            });
        }).onErrorMap(RemoteShard::transportError);
    }

    @Override
    public Mono<Optional<SectorInfo>> sectorInfo(SectorId id) {
        String uri = "/v1/sectors/" + id.hex();
        return Mono.defer(() -> {
            Signed signed = sign(HttpMethod.HEAD, uri, RequestSignature.EMPTY_BODY_SHA256);
            return http.headers(signed::apply).head().uri(uri).responseSingle((res, content) ->
                    content.asByteArray().defaultIfEmpty(new byte[0]).map(bytes -> {
                        int status = res.status().code();
                        if (status == 404 && !res.responseHeaders().contains(WireFormat.ERROR_HEADER)) {
                            return Optional.<SectorInfo>empty();
                        }
                        if (status != 200) {
                            throw error(res, bytes);
                        }
                        try {
                            return Optional.of(new SectorInfo(id,
                                    Long.parseLong(res.responseHeaders().get(WireFormat.SECTOR_LENGTH_HEADER)),
                                    Integer.parseUnsignedInt(res.responseHeaders().get(WireFormat.SECTOR_CRC32C_HEADER)),
                                    Boolean.parseBoolean(res.responseHeaders().get(WireFormat.SECTOR_COMMITTED_HEADER))));
                        } catch (RuntimeException e) {
                            throw new ShardException(Code.INTERNAL, "malformed sector info headers", e);
                        }
                    }));
        }).onErrorMap(RemoteShard::transportError);
    }

    @Override
    public Mono<Void> deleteSector(SectorId id) {
        return callVoid(HttpMethod.DELETE, "/v1/sectors/" + id.hex(), null);
    }

    // ---- versions ----

    @Override
    public Mono<Optional<ObjectVersion>> putVersion(ObjectVersion version, PutCondition condition,
                                                    boolean replaceNullVersion) {
        return call(HttpMethod.PUT, WireQuery.path("/v1/versions").param("replaceNull", replaceNullVersion).toString(),
                w -> {
                    WireCodec.writeCondition(w, condition);
                    WireCodec.writeVersion(w, version);
                }, r -> Optional.ofNullable(WireCodec.readOptionalVersion(r)));
    }

    @Override
    public Mono<Optional<ObjectVersion>> getVersion(String bucket, String key, String versionId) {
        return call(HttpMethod.GET, WireQuery.path("/v1/versions").param("bucket", bucket).param("key", key)
                        .param("versionId", versionId).toString(), null,
                r -> Optional.ofNullable(WireCodec.readOptionalVersion(r)));
    }

    @Override
    public Mono<Optional<ObjectVersion>> deleteVersion(String bucket, String key, String versionId) {
        return call(HttpMethod.DELETE, WireQuery.path("/v1/versions").param("bucket", bucket).param("key", key)
                        .param("versionId", versionId).toString(), null,
                r -> Optional.ofNullable(WireCodec.readOptionalVersion(r)));
    }

    @Override
    public Mono<ListPage> list(ListRequest request) {
        String uri = WireQuery.path("/v1/list").param("bucket", request.bucket()).param("prefix", request.prefix())
                .param("startAfter", request.startAfter()).param("startAfterVersion", request.startAfterVersion())
                .param("delimiter", request.delimiter()).param("maxKeys", request.maxKeys())
                .param("versions", request.versions()).toString();
        return call(HttpMethod.GET, uri, null, WireCodec::readListPage);
    }

    // ---- multipart ----

    @Override
    public Mono<Void> createUpload(MultipartUpload upload) {
        return callVoid(HttpMethod.POST, "/v1/uploads", w -> WireCodec.writeUpload(w, upload));
    }

    @Override
    public Mono<Optional<MultipartUpload>> getUpload(String bucket, String key, String uploadId) {
        return call(HttpMethod.GET, uploadUri("/v1/upload", bucket, key, uploadId), null,
                r -> r.readBoolean() ? Optional.of(WireCodec.readUpload(r)) : Optional.empty());
    }

    @Override
    public Mono<Void> putPart(String bucket, String key, UploadPart part) {
        return callVoid(HttpMethod.PUT, WireQuery.path("/v1/upload/parts").param("bucket", bucket).param("key", key)
                .toString(), w -> WireCodec.writePart(w, part));
    }

    @Override
    public Mono<List<UploadPart>> listParts(String bucket, String key, String uploadId, int partNumberMarker,
                                            int maxParts) {
        String uri = WireQuery.path("/v1/upload/parts").param("bucket", bucket).param("key", key)
                .param("uploadId", uploadId).param("marker", partNumberMarker).param("max", maxParts).toString();
        return call(HttpMethod.GET, uri, null, r -> {
            int n = r.readCount();
            List<UploadPart> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(WireCodec.readPart(r));
            }
            return out;
        });
    }

    @Override
    public Mono<List<MultipartUpload>> listUploads(String bucket, String prefix, String keyMarker,
                                                   String uploadIdMarker, int max) {
        String uri = WireQuery.path("/v1/uploads").param("bucket", bucket).param("prefix", prefix)
                .param("keyMarker", keyMarker).param("uploadIdMarker", uploadIdMarker).param("max", max).toString();
        return call(HttpMethod.GET, uri, null, r -> {
            int n = r.readCount();
            List<MultipartUpload> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(WireCodec.readUpload(r));
            }
            return out;
        });
    }

    @Override
    public Mono<Optional<ObjectVersion>> completeUpload(String uploadId, ObjectVersion version,
                                                        PutCondition condition, boolean replaceNullVersion) {
        String uri = WireQuery.path("/v1/upload/complete").param("uploadId", uploadId)
                .param("replaceNull", replaceNullVersion).toString();
        return call(HttpMethod.POST, uri, w -> {
            WireCodec.writeCondition(w, condition);
            WireCodec.writeVersion(w, version);
        }, r -> Optional.ofNullable(WireCodec.readOptionalVersion(r)));
    }

    @Override
    public Mono<Void> abortUpload(String bucket, String key, String uploadId) {
        return callVoid(HttpMethod.DELETE, uploadUri("/v1/upload", bucket, key, uploadId), null);
    }

    @Override
    public Mono<ShardStats> stats() {
        return call(HttpMethod.GET, "/v1/stats", null, WireCodec::readStats);
    }

    // ---- control store ----

    @Override
    public Mono<Optional<byte[]>> get(String key) {
        return call(HttpMethod.GET, WireQuery.path("/v1/control").param("key", key).toString(), null,
                r -> r.readBoolean() ? Optional.of(r.readBytes()) : Optional.empty());
    }

    @Override
    public Mono<Void> put(String key, byte[] value) {
        return callRaw(HttpMethod.PUT, WireQuery.path("/v1/control").param("key", key).toString(), value,
                WireReader::readBoolean).then();
    }

    @Override
    public Mono<Boolean> putIfAbsent(String key, byte[] value) {
        return callRaw(HttpMethod.PUT, WireQuery.path("/v1/control").param("key", key).param("ifAbsent", true)
                .toString(), value, WireReader::readBoolean);
    }

    @Override
    public Mono<Boolean> delete(String key) {
        return call(HttpMethod.DELETE, WireQuery.path("/v1/control").param("key", key).toString(), null,
                WireReader::readBoolean);
    }

    @Override
    public Flux<Map.Entry<String, byte[]>> scan(String prefix) {
        return call(HttpMethod.GET, WireQuery.path("/v1/control/scan").param("prefix", prefix).toString(), null,
                WireCodec::readEntries).flatMapIterable(Function.identity());
    }

    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            pool.disposeLater().subscribe();
        } else {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    // ---- plumbing ----

    /** {@code n} zero bytes in 64 KiB buffers. */
    private static Flux<ByteBuf> filler(long n) {
        int chunk = 64 * 1024;
        return Flux.generate(() -> n, (left, sink) -> {
            if (left <= 0) {
                sink.complete();
                return left;
            }
            int size = (int) Math.min(chunk, left);
            sink.next(Unpooled.wrappedBuffer(new byte[size]));
            return left - size;
        });
    }

    private static String uploadUri(String path, String bucket, String key, String uploadId) {
        return WireQuery.path(path).param("bucket", bucket).param("key", key).param("uploadId", uploadId).toString();
    }

    private <T> Mono<T> call(HttpMethod method, String uri, Consumer<WireWriter> body, Function<WireReader, T> decode) {
        byte[] bytes = null;
        if (body != null) {
            WireWriter w = new WireWriter();
            body.accept(w);
            bytes = w.toByteArray();
        }
        return callRaw(method, uri, bytes, decode);
    }

    private Mono<Void> callVoid(HttpMethod method, String uri, Consumer<WireWriter> body) {
        return call(method, uri, body, r -> Boolean.TRUE).then();
    }

    /**
     * Sends one signed request with a small, fully known body and decodes the answer. A 204 (or any
     * success without a body) decodes to a non-null placeholder via {@code decode} never being called.
     */
    private <T> Mono<T> callRaw(HttpMethod method, String uri, byte[] body, Function<WireReader, T> decode) {
        return Mono.defer(() -> {
            String hash = body == null ? RequestSignature.EMPTY_BODY_SHA256 : RequestSignature.sha256Hex(body);
            Signed signed = sign(method, uri, hash);
            HttpClient client = http.headers(h -> {
                signed.apply(h);
                if (body != null) {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                }
            });
            HttpClient.ResponseReceiver<?> request = body == null
                    ? client.request(method).uri(uri)
                    : client.request(method).uri(uri).send(Mono.fromCallable(() -> Unpooled.wrappedBuffer(body)));
            return request.responseSingle((res, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                    .<T>handle((bytes, sink) -> {
                        if (res.status().code() == 204) {
                            sink.complete();
                            return;
                        }
                        sink.next(decode(res, bytes, decode));
                    }));
        }).onErrorMap(RemoteShard::transportError);
    }

    private static <T> T decode(HttpClientResponse res, byte[] bytes, Function<WireReader, T> decode) {
        if (res.status().code() != 200) {
            throw error(res, bytes);
        }
        try {
            WireReader r = new WireReader(bytes);
            T value = decode.apply(r);
            r.expectEnd();
            return value;
        } catch (ShardException e) {
            // a body the client cannot read is the server's fault, not the caller's argument
            throw new ShardException(Code.INTERNAL, "malformed response: " + e.getMessage(), e);
        }
    }

    private static ShardException error(HttpClientResponse res, byte[] body) {
        Code code = ErrorStatus.parse(res.responseHeaders().get(WireFormat.ERROR_HEADER), res.status().code());
        String message = body.length == 0 ? res.status().toString() : new String(body, StandardCharsets.UTF_8);
        return new ShardException(code, message);
    }

    private static Throwable transportError(Throwable e) {
        if (e instanceof ShardException) {
            return e;
        }
        if (e instanceof IOException || e instanceof PrematureCloseException || e instanceof AbortedException
                || e instanceof TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException
                || e.getCause() instanceof IOException) {
            return new ShardException(Code.UNAVAILABLE, "shard unreachable: " + e, e);
        }
        if (e instanceof IllegalArgumentException) {
            return new ShardException(Code.INVALID_ARGUMENT, e.getMessage(), e);
        }
        return new ShardException(Code.UNAVAILABLE, "shard request failed: " + e, e);
    }

    private Signed sign(HttpMethod method, String uri, String bodyHash) {
        long date = System.currentTimeMillis();
        byte[] nonce = new byte[12];
        NONCES.nextBytes(nonce);
        String nonceHex = HEX.formatHex(nonce);
        RequestSignature sig = new RequestSignature(method.name(), uri, date, nonceHex, bodyHash);
        return new Signed(date, nonceHex, bodyHash, sig.authorization(secret));
    }

    /** The signature headers of one request. */
    private record Signed(long date, String nonce, String bodyHash, String authorization) {
        io.netty.handler.codec.http.HttpHeaders apply(io.netty.handler.codec.http.HttpHeaders h) {
            return h.set(WireFormat.DATE_HEADER, date)
                    .set(WireFormat.NONCE_HEADER, nonce)
                    .set(WireFormat.CONTENT_SHA256_HEADER, bodyHash)
                    .set(WireFormat.AUTHORIZATION_HEADER, authorization);
        }
    }
}
