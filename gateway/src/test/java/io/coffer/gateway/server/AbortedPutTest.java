package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.gateway.GatewayTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Clients killed in the middle of a PUT body (a laptop closed during a backup, a sync tool killed): each
 * connection is reset after a random part of the body (1 MiB, and 48 KiB for the small-object path). Nothing of an unacknowledged PUT may become
 * visible, every admitted request must give its slot back, the buffers it held must be released
 * (GatewayTestBase's LeakWatch) and the gateway must keep serving the same key.
 */
class AbortedPutTest extends GatewayTestBase {

    /** A 1 MiB body streams into sectors; a 48 KiB one takes the small-object path (one commit). */
    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 48 * 1024})
    void putsWhoseClientDiesMidBodyStoreNothingAndLeakNothing(int size) throws Exception {
        S3Client s3 = rootClient();
        String bucket = newBucketName("aborted-put");
        s3.createBucket(b -> b.bucket(bucket));
        byte[] body = new byte[size];
        new Random(17).nextBytes(body);
        String path = "/" + bucket + "/torn";
        Random cut = new Random(9);
        for (int i = 0; i < 60; i++) {
            try (Socket s = new Socket("127.0.0.1", s3Port)) {
                s.setSoLinger(true, 0); // a reset, as a killed client's kernel sends
                OutputStream out = s.getOutputStream();
                Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", path, Map.of()));
                h.put("Content-Length", String.valueOf(body.length));
                writeRequest(out, "PUT", path, h, null);
                out.write(body, 0, cut.nextInt(body.length - 1));
                out.flush();
                LockSupport.parkNanos(cut.nextInt(2_000_000));
            } catch (IOException e) {
                // the gateway may have cut it first; either way the upload never completed
            }
        }
        assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket(bucket).key("torn")));
        ConcurrencyLimit limit = context.getBean(S3Server.class).concurrencyLimit();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (limit.inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, limit.inFlight(), "an aborted PUT still holds its slot");
        // and a whole upload of the same key works and reads back
        s3.putObject(b -> b.bucket(bucket).key("torn"), RequestBody.fromBytes(body));
        assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket(bucket).key("torn")).asByteArray());
    }
}
