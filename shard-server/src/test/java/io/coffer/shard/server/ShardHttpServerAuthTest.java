package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.store.LeakWatch;
import io.coffer.shard.contract.ShardSubject;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.wire.BodyMac;
import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireFormat;
import io.coffer.shard.wire.WireWriter;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Requests without a valid signature are refused with 403 and change nothing; malformed requests
 * get a clear 4xx and leave the store consistent. Requests are built by hand here, so every header
 * the client normally gets right can be got wrong.
 */
@ExtendWith(LeakWatch.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardHttpServerAuthTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private ShardStore store;
    private ShardHttpServer server;
    private ClusterSecret secret;
    private HttpClient http;

    /** Status, error code header and body of a raw response. */
    record Answer(int status, String code, String body) { }

    @BeforeAll
    void start() {
        store = ShardStore.open(dir, ShardConfig.forTests());
        secret = ShardSubject.randomSecret();
        server = ShardHttpServer.start(new ShardServerOptions("127.0.0.1", 0, secret), store, store, store::region);
        http = HttpClient.create().host("127.0.0.1").port(server.port());
    }

    @AfterEach
    void auditAfterEachCase() {
        assertEquals(java.util.List.of(), store.meta().audit(100));
    }

    @AfterAll
    void stop() {
        server.close();
        store.close();
    }

    private static byte[] bucketBody(String name) {
        WireWriter w = new WireWriter();
        WireCodec.writeBucket(w, new BucketInfo(name, 1L, "", "", Map.of()));
        return w.toByteArray();
    }

    /** Sends a request with exactly the given signature headers (null leaves one out). */
    private Answer send(HttpMethod method, String uri, byte[] body, Long date, String nonce, String hash,
                        String authorization, Long contentLength) {
        return http.headers(h -> {
                    if (date != null) {
                        h.set(WireFormat.DATE_HEADER, date);
                    }
                    if (nonce != null) {
                        h.set(WireFormat.NONCE_HEADER, nonce);
                    }
                    if (hash != null) {
                        h.set(WireFormat.CONTENT_SHA256_HEADER, hash);
                    }
                    if (authorization != null) {
                        h.set(WireFormat.AUTHORIZATION_HEADER, authorization);
                    }
                    if (contentLength != null) {
                        h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
                    }
                })
                .request(method).uri(uri)
                .send(body == null ? Mono.empty() : Mono.just(Unpooled.wrappedBuffer(body)))
                .responseSingle((res, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(s -> new Answer(res.status().code(), res.responseHeaders().get(WireFormat.ERROR_HEADER), s)))
                .block(T);
    }

    /** A correctly signed request, except for what the caller changes afterwards. */
    private Answer signed(HttpMethod method, String uri, byte[] body, long date, ClusterSecret key) {
        String hash = RequestSignature.sha256Hex(body == null ? new byte[0] : body);
        String auth = new RequestSignature(method.name(), uri, date, "n1", hash).authorization(key);
        return send(method, uri, body, date, "n1", hash, auth, body == null ? null : (long) body.length);
    }

    private boolean bucketExists(String name) {
        return store.getBucket(name).block(T).isPresent();
    }

    @Test
    void correctlySignedRequestIsServed() {
        Answer a = signed(HttpMethod.POST, "/v1/buckets", bucketBody("ok"), System.currentTimeMillis(), secret);
        assertEquals(200, a.status());
        assertTrue(bucketExists("ok"));
    }

    @Test
    void missingSignatureGets403AndWritesNothing() {
        byte[] body = bucketBody("nosig");
        Answer a = send(HttpMethod.POST, "/v1/buckets", body, null, null, null, null, (long) body.length);
        assertEquals(403, a.status());
        assertEquals("UNAUTHORIZED", a.code());
        assertTrue(!bucketExists("nosig"));
    }

    @Test
    void wrongSecretGets403AndWritesNothing() {
        Answer a = signed(HttpMethod.POST, "/v1/buckets", bucketBody("wrong"), System.currentTimeMillis(),
                ShardSubject.randomSecret());
        assertEquals(403, a.status());
        assertTrue(!bucketExists("wrong"));
        assertTrue(server.counters().authFailures() >= 1);
    }

    @Test
    void remoteShardWithWrongSecretFailsUnauthorized() {
        try (RemoteShard wrong = RemoteShard.of(store.id(), "127.0.0.1", server.port(), ShardSubject.randomSecret())) {
            ShardException e = assertThrows(ShardException.class,
                    () -> wrong.createBucket(new BucketInfo("remote-wrong", 1L, "", "", null)).block(T));
            assertEquals(ShardException.Code.UNAUTHORIZED, e.code());
            SectorId id = SectorId.random();
            e = assertThrows(ShardException.class, () -> wrong.putSector(id, 3,
                    Mono.just(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))).block(T));
            assertEquals(ShardException.Code.UNAUTHORIZED, e.code());
            assertEquals(Optional.empty(), store.sectorInfo(id).block(T));
        }
        assertTrue(!bucketExists("remote-wrong"));
    }

    @Test
    void staleOrFutureDateGets403() {
        long sixMinutes = 6 * 60 * 1000L;
        assertEquals(403, signed(HttpMethod.POST, "/v1/buckets", bucketBody("old"),
                System.currentTimeMillis() - sixMinutes, secret).status());
        assertEquals(403, signed(HttpMethod.POST, "/v1/buckets", bucketBody("future"),
                System.currentTimeMillis() + sixMinutes, secret).status());
        assertTrue(!bucketExists("old") && !bucketExists("future"));
    }

    @Test
    void bodyNotMatchingTheSignedHashGets403AndWritesNothing() {
        long date = System.currentTimeMillis();
        byte[] signedBody = bucketBody("signed");
        byte[] sentBody = bucketBody("swapped");
        String hash = RequestSignature.sha256Hex(signedBody);
        String auth = new RequestSignature("POST", "/v1/buckets", date, "n2", hash).authorization(secret);
        Answer a = send(HttpMethod.POST, "/v1/buckets", sentBody, date, "n2", hash, auth, (long) sentBody.length);
        assertEquals(403, a.status());
        assertTrue(!bucketExists("signed") && !bucketExists("swapped"));
    }

    @Test
    void signatureForAnotherPathGets403() {
        store.createBucket(new BucketInfo("keep", 1L, "", "", null)).block(T);
        long date = System.currentTimeMillis();
        String hash = RequestSignature.EMPTY_BODY_SHA256;
        String auth = new RequestSignature("GET", "/v1/bucket?name=keep", date, "n3", hash).authorization(secret);
        Answer a = send(HttpMethod.DELETE, "/v1/bucket?name=keep", null, date, "n3", hash, auth, null);
        assertEquals(403, a.status());
        assertTrue(bucketExists("keep"));
    }

    @Test
    void sectorWithForgedTrailerIsRefusedAndNotStored() {
        SectorId id = SectorId.random();
        byte[] bytes = new byte[100_000];
        new Random(1).nextBytes(bytes);
        String uri = "/v1/sectors/" + id.hex() + "?length=" + bytes.length;
        long date = System.currentTimeMillis();
        String auth = new RequestSignature("PUT", uri, date, "n4", WireFormat.UNSIGNED_TRAILER).authorization(secret);
        byte[] body = new byte[bytes.length + BodyMac.LENGTH]; // trailer of zeros: not the MAC
        System.arraycopy(bytes, 0, body, 0, bytes.length);
        Answer a = send(HttpMethod.PUT, uri, body, date, "n4", WireFormat.UNSIGNED_TRAILER, auth, (long) body.length);
        assertEquals(403, a.status());
        assertEquals("UNAUTHORIZED", a.code());
        assertEquals(Optional.empty(), store.sectorInfo(id).block(T));
    }

    @Test
    void sectorWithTamperedBytesIsRefusedAndNotStored() {
        SectorId id = SectorId.random();
        byte[] bytes = new byte[100_000];
        new Random(2).nextBytes(bytes);
        String uri = "/v1/sectors/" + id.hex() + "?length=" + bytes.length;
        long date = System.currentTimeMillis();
        String auth = new RequestSignature("PUT", uri, date, "n5", WireFormat.UNSIGNED_TRAILER).authorization(secret);
        BodyMac mac = new BodyMac(secret, auth);
        mac.update(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
        byte[] trailer = mac.finish();
        byte[] body = new byte[bytes.length + BodyMac.LENGTH];
        System.arraycopy(bytes, 0, body, 0, bytes.length);
        System.arraycopy(trailer, 0, body, bytes.length, BodyMac.LENGTH);
        body[50_000] ^= 1; // one bit flipped in transit
        Answer a = send(HttpMethod.PUT, uri, body, date, "n5", WireFormat.UNSIGNED_TRAILER, auth, (long) body.length);
        assertEquals(403, a.status());
        assertEquals(Optional.empty(), store.sectorInfo(id).block(T));

        body[50_000] ^= 1; // the untampered body with the same signature is accepted
        Answer ok = send(HttpMethod.PUT, uri, body, date, "n5", WireFormat.UNSIGNED_TRAILER, auth, (long) body.length);
        assertEquals(200, ok.status());
        assertEquals(bytes.length, store.sectorInfo(id).block(T).orElseThrow().length());
    }

    @Test
    void unsignedBodyOutsideSectorPutGets403() {
        long date = System.currentTimeMillis();
        byte[] body = bucketBody("unsigned");
        String auth = new RequestSignature("POST", "/v1/buckets", date, "n6", WireFormat.UNSIGNED_TRAILER)
                .authorization(secret);
        Answer a = send(HttpMethod.POST, "/v1/buckets", body, date, "n6", WireFormat.UNSIGNED_TRAILER, auth,
                (long) body.length);
        assertEquals(403, a.status());
        assertTrue(!bucketExists("unsigned"));
    }

    @Test
    void sectorContentLengthNotMatchingTheDeclaredLengthGets400() {
        SectorId id = SectorId.random();
        String uri = "/v1/sectors/" + id.hex() + "?length=10";
        long date = System.currentTimeMillis();
        String auth = new RequestSignature("PUT", uri, date, "n7", WireFormat.UNSIGNED_TRAILER).authorization(secret);
        byte[] body = new byte[10 + BodyMac.LENGTH + 5];
        Answer a = send(HttpMethod.PUT, uri, body, date, "n7", WireFormat.UNSIGNED_TRAILER, auth, (long) body.length);
        assertEquals(400, a.status());
        assertEquals("INVALID_ARGUMENT", a.code());
        assertEquals(Optional.empty(), store.sectorInfo(id).block(T));
    }

    @Test
    void malformedMetadataBodyGets400AndWritesNothing() {
        byte[] garbage = "not a wire body".getBytes(StandardCharsets.UTF_8);
        long before = store.listBuckets().count().block(T);
        Answer a = signed(HttpMethod.POST, "/v1/buckets", garbage, System.currentTimeMillis(), secret);
        assertEquals(400, a.status());
        assertEquals("INVALID_ARGUMENT", a.code());
        assertEquals(before, store.listBuckets().count().block(T));
    }

    @Test
    void unknownRouteGets404() {
        Answer a = signed(HttpMethod.GET, "/v1/nothing-here", null, System.currentTimeMillis(), secret);
        assertEquals(404, a.status());
        assertEquals(404, signed(HttpMethod.GET, "/v1/sectors/xyz", null, System.currentTimeMillis(), secret).status());
    }
}
