package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSettleTest {

    @Test
    void flushesDirtyPagesWithinItsBound(@TempDir Path dir) throws IOException, InterruptedException {
        // 8 MiB written and not forced: dirty pages for sync to flush
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("dirty").toFile(), "rw")) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                f.write(chunk);
            }
        }
        Duration took = DiskSettle.run();
        assertNotNull(took, "sync(1) did not run");
        assertTrue(!took.isNegative() && took.compareTo(DiskSettle.TIMEOUT) < 0, took.toString());
    }
}
