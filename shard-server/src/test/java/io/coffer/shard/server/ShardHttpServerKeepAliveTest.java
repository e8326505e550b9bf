package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.client.RemoteShard;
import io.coffer.shard.contract.ShardSubject;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireFormat;
import io.coffer.shard.wire.WireWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Pooled keep-alive connections carrying a write (answered from the store's scheduler) followed at
 * once by a point read (answered on the event loop, within the handler call): the read often
 * reaches the server before the write's exchange has ended, so Reactor Netty queues it and replays
 * it later. Every request must still be answered and the connection must go on reading.
 */
class ShardHttpServerKeepAliveTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /**
     * A request pipelined behind a write waits in Reactor Netty's queue until the write's exchange
     * ends; the health check is then answered within the handler call. The connection must still
     * read the request after it.
     */
    @Test
    void requestAfterAQueuedRequestIsRead() throws Exception {
        try (ShardStore store = ShardStore.open(dir, ShardConfig.forTests())) {
            ClusterSecret secret = ShardSubject.randomSecret();
            ShardHttpServer server = ShardHttpServer.start(new ShardServerOptions("127.0.0.1", 0, secret), store, store,
                    store::region);
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream());
                for (int i = 0; i < 5; i++) {
                    WireWriter w = new WireWriter();
                    WireCodec.writeBucket(w, new BucketInfo("pipelined-" + i, 1L, "", "", Map.of()));
                    byte[] both = concat(request("POST", "/v1/buckets", w.toByteArray(), secret, "c" + i),
                            request("GET", "/v1/health", new byte[0], secret, "h" + i));
                    // one write: the health check arrives while the bucket is still being made durable
                    out.write(both);
                    out.flush();
                    assertEquals(200, readStatus(in), "create bucket " + i);
                    assertEquals(200, readStatus(in), "health " + i);
                }
                out.write(request("GET", "/v1/health", new byte[0], secret, "last"));
                out.flush();
                assertEquals(200, readStatus(in), "health after the pipelined ones");
            } finally {
                server.close();
            }
        }
    }

    private static byte[] request(String method, String uri, byte[] body, ClusterSecret secret, String nonce) {
        long date = System.currentTimeMillis();
        String hash = RequestSignature.sha256Hex(body);
        String auth = new RequestSignature(method, uri, date, nonce, hash).authorization(secret);
        String head = method + " " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + WireFormat.DATE_HEADER + ": " + date + "\r\n"
                + WireFormat.NONCE_HEADER + ": " + nonce + "\r\n"
                + WireFormat.CONTENT_SHA256_HEADER + ": " + hash + "\r\n"
                + WireFormat.AUTHORIZATION_HEADER + ": " + auth + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Reads one response (Content-Length framed) and returns its status. */
    private static int readStatus(InputStream in) throws IOException {
        String status = readLine(in);
        long length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed mid-response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void writesFollowedByPointReadsOnPooledConnectionsAllComplete() {
        try (ShardStore store = ShardStore.open(dir, ShardConfig.forTests())) {
            ClusterSecret secret = ShardSubject.randomSecret();
            ShardHttpServer server = ShardHttpServer.start(new ShardServerOptions("127.0.0.1", 0, secret), store, store,
                    store::region);
            RemoteShard client = RemoteShard.of(store.id(), "127.0.0.1", server.port(), secret);
            try {
                client.createBucket(new BucketInfo("keepalive", 1L, "", "", Map.of())).block(T);
                int workers = 4;
                int rounds = 150;
                Long done = Flux.range(0, workers)
                        .flatMap(w -> Flux.range(0, rounds)
                                .concatMap(i -> client.nextGeneration("keepalive", 0)
                                        .then(client.getBucket("keepalive"))
                                        .doOnNext(b -> assertTrue(b.isPresent()))
                                        .timeout(T)), workers)
                        .count()
                        .block(Duration.ofMinutes(2));
                assertEquals(workers * rounds, done);
            } finally {
                client.close();
                server.close();
            }
        }
    }
}
