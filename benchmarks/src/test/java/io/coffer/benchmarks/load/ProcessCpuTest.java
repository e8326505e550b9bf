package io.coffer.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void ownCpuGrowsWithWork() {
        ProcessCpu self = ProcessCpu.self();
        long before = self.nanos();
        assertTrue(before > 0, "a running JVM has used CPU: " + before);
        long x = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        long after = self.nanos();
        // the kernel accounts in clock ticks (10 ms); 300 ms of spinning is many of them
        assertTrue(after - before >= TimeUnit.MILLISECONDS.toNanos(100), (after - before) + " ns, " + x);
    }

    @Test
    void noPidOrAGoneProcessIsUnknownNotAnError() throws Exception {
        assertNull(ProcessCpu.of(0));
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertNull(ProcessCpu.of(p.pid()));
    }

    @Test
    void microsPerOpIsUnknownWithoutReadingsOrOps() {
        assertEquals(2.5, ProcessCpu.microsPerOp(1_000, 251_000, 100));
        assertEquals(-1, ProcessCpu.microsPerOp(-1, 251_000, 100));
        assertEquals(-1, ProcessCpu.microsPerOp(1_000, -1, 100));
        assertEquals(-1, ProcessCpu.microsPerOp(1_000, 251_000, 0));
    }
}
