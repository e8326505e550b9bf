package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coffer.gateway.GatewayTestBase;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * Keep-alive connections must go on reading after every exchange. Reactor Netty queues a request
 * that arrives before the previous exchange has ended and replays it later; a replayed request
 * answered inside the handler call left the connection unread (reactor-netty#4361), which S3Server
 * avoids by starting each exchange in its own event-loop task. The pipelined cases hang
 * deterministically without that; the concurrent one is what rclone does (small PUTs, then HEADs).
 */
class S3ServerKeepAliveTest extends GatewayTestBase {
    private static final int CONNECTIONS = 4;
    private static final int OBJECTS_PER_CONNECTION = 150;

    @Test
    void concurrentKeepAlivePutsAndHeadsAllComplete() throws Exception {
        String bucket = newBucketName("keepalive");
        rootClient().createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int conn = c;
                done.add(pool.submit(() -> drive(bucket, conn)));
            }
            for (Future<Integer> f : done) {
                assertEquals(OBJECTS_PER_CONNECTION, f.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A HEAD pipelined behind a PUT waits in Reactor Netty's queue until the PUT's exchange ends, and
     * is then answered at once (its metadata reads run on the event loop): the connection must still
     * read the request after it.
     */
    @Test
    void requestAfterAQueuedRequestIsRead() throws Exception {
        String bucket = newBucketName("pipelined");
        rootClient().createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 5; i++) {
                byte[] body = new byte[100 + i];
                new Random(i).nextBytes(body);
                String path = "/" + bucket + "/p" + i;
                // PUT and HEAD in one write: the HEAD arrives while the PUT is still being stored
                writeRequestUnflushed(out, "PUT", path, signedHeaders("PUT", path,
                        Map.of("Content-Length", Integer.toString(body.length)),
                        ROOT_ACCESS, ROOT_SECRET, Clock.systemUTC(), body), body);
                writeRequest(out, "HEAD", path, signedHeaders("HEAD", path, Map.of()), null);
                assertEquals(200, readResponse(in, false).status(), "PUT " + path);
                RawResponse head = readResponse(in, true);
                assertEquals(200, head.status(), "HEAD " + path);
                assertEquals(Integer.toString(body.length), head.header("Content-Length"));
            }
        }
    }

    /**
     * The same with a HEAD that is refused (wrong secret): the refusal needs no store at all, so it
     * was answered inside the handler call even when every store read hopped to the scheduler.
     */
    @Test
    void requestAfterAQueuedRefusedRequestIsRead() throws Exception {
        String bucket = newBucketName("refused");
        rootClient().createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 3; i++) {
                byte[] body = new byte[10 + i];
                String path = "/" + bucket + "/r" + i;
                writeRequestUnflushed(out, "PUT", path, signedHeaders("PUT", path,
                        Map.of("Content-Length", Integer.toString(body.length)),
                        ROOT_ACCESS, ROOT_SECRET, Clock.systemUTC(), body), body);
                writeRequest(out, "HEAD", path, signedHeaders("HEAD", path, Map.of(),
                        ROOT_ACCESS, "not-the-secret", Clock.systemUTC()), null);
                assertEquals(200, readResponse(in, false).status(), "PUT " + path);
                assertEquals(403, readResponse(in, true).status(), "refused HEAD " + path);
            }
        }
    }

    /** As writeRequest, without the flush, so the next request goes out in the same write. */
    private static void writeRequestUnflushed(OutputStream out, String method, String path, Map<String, String> headers,
                                              byte[] body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writeRequest(buffer, method, path, headers, body);
        buffer.writeTo(out);
    }

    private int drive(String bucket, int conn) throws Exception {
        Random random = new Random(conn);
        int completed = 0;
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < OBJECTS_PER_CONNECTION; i++) {
                byte[] body = new byte[random.nextInt(9000)];
                random.nextBytes(body);
                String path = "/" + bucket + "/c" + conn + "/o" + i;
                Map<String, String> headers = signedHeaders("PUT", path,
                        Map.of("Content-Length", Integer.toString(body.length)),
                        ROOT_ACCESS, ROOT_SECRET, Clock.systemUTC(), body);
                writeRequest(out, "PUT", path, headers, body);
                RawResponse put;
                try {
                    put = readResponse(in, false);
                } catch (IOException e) {
                    throw new IOException("PUT " + path + " local port " + s.getLocalPort(), e);
                }
                assertEquals(200, put.status(), "PUT " + path + ": " + put.bodyText());
                writeRequest(out, "HEAD", path, signedHeaders("HEAD", path, Map.of()), null);
                RawResponse head;
                try {
                    head = readResponse(in, true);
                } catch (IOException e) {
                    throw new IOException("HEAD " + path + " local port " + s.getLocalPort(), e);
                }
                assertEquals(200, head.status(), "HEAD " + path);
                assertEquals(Integer.toString(body.length), head.header("Content-Length"));
                completed++;
            }
        }
        return completed;
    }
}
