package io.coffer.shard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The positive control for {@link LeakWatch}: the suites run with Netty's paranoid leak detection, and a
 * buffer dropped without release makes the watch fail the test. Without this, a watch that never saw a
 * report (wrong logger, detector off) would pass every test silently.
 */
class LeakWatchTest {
    @Test
    void aDroppedBufferFailsTheTest() throws Exception {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "tests must run with -Dio.netty.leakDetection.level=paranoid");
        LeakWatch watch = new LeakWatch();
        watch.beforeEach(null);
        leakOneBuffer();
        // the detector reports when the buffer is collected and a later allocation polls it; each
        // afterEach already tries three rounds, keep asking until it sees the report (or give up), so
        // the report cannot surface later inside another test's watch
        AssertionError failure = null;
        for (int attempt = 0; attempt < 50 && failure == null; attempt++) {
            try {
                watch.afterEach(null);
            } catch (AssertionError e) {
                failure = e;
            }
        }
        assertTrue(failure != null, "LeakWatch never reported a buffer that was never released");
        assertTrue(failure.getMessage().contains("leaked buffer"), failure.getMessage());
        // and a clean test after it passes
        watch.beforeEach(null);
        ByteBufAllocator.DEFAULT.directBuffer(32).release();
        watch.afterEach(null);
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
