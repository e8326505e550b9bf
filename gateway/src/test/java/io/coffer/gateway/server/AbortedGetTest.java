package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.coffer.gateway.GatewayTestBase;
import io.coffer.shard.volume.PageCacheDrop;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clients that leave while their GET is being read from the disk: a video player seeking, a sync tool
 * timing out. The gateway reads and verifies an object's first segment before it answers; when the
 * connection is gone by then, that segment must still be released (GatewayTestBase's LeakWatch fails
 * the test on any buffer Netty's paranoid leak detector reports), and the store must keep serving.
 */
class AbortedGetTest extends GatewayTestBase {

    @Test
    void getsWhoseClientLeavesDuringAColdReadReleaseWhatTheyRead() throws Exception {
        S3Client s3 = rootClient();
        String bucket = newBucketName("aborted");
        s3.createBucket(b -> b.bucket(bucket));
        byte[] data = new byte[(1 << 20) + 5];
        new Random(11).nextBytes(data);
        s3.putObject(b -> b.bucket(bucket).key("cold.bin"), RequestBody.fromBytes(data));
        String path = "/" + bucket + "/cold.bin";
        List<Path> volumes;
        try (Stream<Path> files = Files.walk(dataDir)) {
            volumes = files.filter(f -> f.toString().endsWith(".vol")).toList();
        }
        assertFalse(volumes.isEmpty(), "no volume file under " + dataDir);

        Random pause = new Random(3);
        for (int i = 0; i < 120; i++) {
            // from the disk, so the first segment is read on the store's threads while the client leaves
            for (Path v : volumes) {
                PageCacheDrop.drop(v, 0, Files.size(v));
            }
            try (Socket s = new Socket("127.0.0.1", s3Port)) {
                s.setSoLinger(true, 0); // close with a reset, as a killed client does
                writeRequest(s.getOutputStream(), "GET", path, signedHeaders("GET", path, Map.of()), null);
                LockSupport.parkNanos(pause.nextInt(1_500_000));
            } catch (IOException e) {
                // the gateway may have answered and seen the reset first: that is one of the cases too
            }
        }
        // still whole and serving
        assertArrayEquals(data, s3.getObjectAsBytes(b -> b.bucket(bucket).key("cold.bin")).asByteArray());
    }
}
