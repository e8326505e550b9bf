package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardStats;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.contract.ShardSubject;
import io.coffer.shard.store.LeakWatch;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.store.StoreFixture;
import io.coffer.shard.wire.BodyMac;
import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireFormat;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A sector PUT whose body is cut off in transit: the gateway crashes or its connection drops after a
 * correctly signed header and part of the body. {@code RemoteShard} never sends a short body itself (it
 * pads a caller's short body and spoils the trailer), so the cut is made here on a raw socket. The shard
 * must store nothing, keep no temporary sector and give the reserved extent back, and keep serving.
 */
@ExtendWith(LeakWatch.class)
class SectorBodyTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final int LENGTH = 300_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private ShardStore store;
    private ShardHttpServer server;
    private ClusterSecret secret;

    @BeforeEach
    void start() {
        store = ShardStore.open(dir, ShardConfig.forTests());
        secret = ShardSubject.randomSecret();
        server = ShardHttpServer.start(new ShardServerOptions("127.0.0.1", 0, secret, READ_TIMEOUT), store, store,
                store::region);
    }

    @AfterEach
    void stop() {
        try {
            assertEquals(java.util.List.of(), store.meta().audit(100));
        } finally {
            server.close();
            store.close();
        }
    }

    @Test
    void connectionClosedMidBodyLeavesNoSectorAndFreesItsSpace() throws Exception {
        cutOffAfter(LENGTH / 2, false);
    }

    @Test
    void connectionClosedInsideTheTrailerLeavesNoSectorAndFreesItsSpace() throws Exception {
        // every sector byte arrived, the MAC did not: the engine must not have completed the sector
        cutOffAfter(LENGTH + BodyMac.LENGTH / 2, true);
    }

    @Test
    void aBodyThatStallsIsCutOffAfterTheReadTimeoutAndLeavesNoSector() throws Exception {
        // the gateway is alive but sends nothing more: the shard closes the connection itself
        cutOffAfter(LENGTH / 3, false, true);
    }

    private void cutOffAfter(int bytesSent, boolean includeTrailer) throws Exception {
        cutOffAfter(bytesSent, includeTrailer, false);
    }

    private void cutOffAfter(int bytesSent, boolean includeTrailer, boolean stall) throws Exception {
        ShardStats before = store.stats().block(T);
        SectorId id = SectorId.random();
        byte[] bytes = new byte[LENGTH];
        new Random(3).nextBytes(bytes);
        String uri = "/v1/sectors/" + id.hex() + "?length=" + LENGTH;
        long date = System.currentTimeMillis();
        String auth = new RequestSignature("PUT", uri, date, "cut-" + bytesSent, WireFormat.UNSIGNED_TRAILER)
                .authorization(secret);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(bytes);
        if (includeTrailer) {
            BodyMac mac = new BodyMac(secret, auth);
            mac.update(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
            body.write(mac.finish());
        }
        String head = "PUT " + uri + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.port() + "\r\n"
                + WireFormat.DATE_HEADER + ": " + date + "\r\n"
                + WireFormat.NONCE_HEADER + ": cut-" + bytesSent + "\r\n"
                + WireFormat.CONTENT_SHA256_HEADER + ": " + WireFormat.UNSIGNED_TRAILER + "\r\n"
                + WireFormat.AUTHORIZATION_HEADER + ": " + auth + "\r\n"
                + "Content-Length: " + (LENGTH + BodyMac.LENGTH) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body.toByteArray(), 0, bytesSent);
            out.flush();
            if (stall) {
                // keep the socket open and silent: the shard must close it after its read timeout
                socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
                long start = System.nanoTime();
                assertEquals(-1, readUntilClosed(socket), "the shard answered instead of closing");
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(waited.compareTo(READ_TIMEOUT.dividedBy(2)) >= 0 && waited.compareTo(Duration.ofSeconds(15)) < 0,
                        "closed after " + waited);
            } else {
                // let the shard reserve an extent and write what arrived before the connection drops
                Thread.sleep(300);
            }
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ShardStats after = store.stats().block(T);
        while ((after.bytesUsed() != before.bytesUsed() || after.temporarySectors() != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = store.stats().block(T);
        }
        assertEquals(Optional.empty(), store.sectorInfo(id).block(T));
        assertEquals(before.bytesUsed(), after.bytesUsed(), "the cut-off sector's extent was not freed");
        assertEquals(before.sectors(), after.sectors());
        assertEquals(0, after.temporarySectors());

        // the shard still serves, and the same sector id can be written whole afterwards
        try (RemoteShard client = RemoteShard.connect("127.0.0.1", server.port(), secret).block(T)) {
            // the cut-off put may still be unwinding (its extent is freed just before it ends): UNAVAILABLE
            // "being written" is the shard's retryable answer for that, and a gateway retries it
            Mono<Long> put = Mono.defer(() -> client.putSector(id, LENGTH, Mono.just(Unpooled.wrappedBuffer(bytes))))
                    .map(info -> info.length())
                    .retryWhen(Retry.fixedDelay(50, Duration.ofMillis(100)).filter(e -> e instanceof ShardException x
                            && x.code() == ShardException.Code.UNAVAILABLE));
            assertEquals(LENGTH, put.block(T));
            assertArrayEquals(bytes, StoreFixture.read(client, id, 0, -1));
        }
        assertTrue(server.counters().requests() >= 2);
    }

    /** Reads until the peer closes: -1 if it closed without sending a byte, else the first byte. */
    private static int readUntilClosed(Socket socket) throws java.io.IOException {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1; // closed with a reset: also a close
        }
    }
}
