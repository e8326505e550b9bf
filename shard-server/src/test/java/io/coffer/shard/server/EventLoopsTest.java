package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopsTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(EventLoops.IO_WORKER_COUNT);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(EventLoops.IO_WORKER_COUNT);
        } else {
            System.setProperty(EventLoops.IO_WORKER_COUNT, saved);
        }
    }

    @Test
    void oneLoopPerCoreByDefault() {
        System.clearProperty(EventLoops.IO_WORKER_COUNT);
        String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
        assertEquals(cores, EventLoops.onePerCore());
        assertEquals(cores, System.getProperty(EventLoops.IO_WORKER_COUNT));
    }

    @Test
    void anOperatorsChoiceWins() {
        System.setProperty(EventLoops.IO_WORKER_COUNT, "7");
        assertEquals("7", EventLoops.onePerCore());
        assertEquals("7", System.getProperty(EventLoops.IO_WORKER_COUNT));
    }
}
