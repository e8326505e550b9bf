package io.coffer.gateway.server;

import io.coffer.gateway.GatewayTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops sending in the middle of a PUT body (a hung backup job, a dead laptop behind a
 * NAT that never resets the connection) must not hold its concurrency slot, its partial sectors and a
 * connection forever: after {@code coffer.read-timeout} without a byte the gateway closes the
 * connection, stores nothing and gives the slot back.
 */
class StalledUploadTest extends GatewayTestBase {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    @Override
    protected Map<String, Object> extraConfig() {
        return Map.of("coffer.read-timeout", READ_TIMEOUT.toMillis() + "ms");
    }

    @Test
    void aPutBodyThatStallsIsCutOffAndStoresNothing() throws Exception {
        String bucket = newBucketName("stall");
        rootClient().createBucket(b -> b.bucket(bucket));
        ConcurrencyLimit limit = context.getBean(S3Server.class).concurrencyLimit();
        byte[] body = new byte[1 << 20];
        new Random(5).nextBytes(body);
        String path = "/" + bucket + "/stalled";
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            OutputStream out = s.getOutputStream();
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", path, Map.of()));
            h.put("Content-Length", String.valueOf(body.length));
            writeRequest(out, "PUT", path, h, null);
            out.write(body, 0, body.length / 3);
            out.flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            // either the connection is simply closed, or S3's RequestTimeout comes first and then the close
            String answer = readAnswer(in);
            if (!answer.isEmpty()) {
                assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
                assertTrue(answer.contains("<Code>RequestTimeout</Code>"), answer);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(READ_TIMEOUT.dividedBy(2)) >= 0 && waited.compareTo(Duration.ofSeconds(15)) < 0,
                    "closed after " + waited);
        }
        assertThrows(NoSuchKeyException.class, () -> rootClient().headObject(b -> b.bucket(bucket).key("stalled")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (limit.inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, limit.inFlight(), "the stalled request still holds its slot");
        // the gateway serves on, and a whole upload of the same key works
        rootClient().putObject(b -> b.bucket(bucket).key("stalled"), RequestBody.fromBytes(body));
        assertEquals(body.length, rootClient().headObject(b -> b.bucket(bucket).key("stalled")).contentLength());
    }

    /** Everything the peer sends until it closes the connection (a reset counts as a close). */
    private static String readAnswer(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // closed with a reset
        }
        return got.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
