package io.coffer.shard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BufferPoolingTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(BufferPooling.LOW_MEMORY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(BufferPooling.LOW_MEMORY);
        } else {
            System.setProperty(BufferPooling.LOW_MEMORY, saved);
        }
    }

    @Test
    void turnsTheLowMemoryModeOffByDefault() {
        System.clearProperty(BufferPooling.LOW_MEMORY);
        assertEquals("false", BufferPooling.pooledRegardlessOfHeap());
        assertEquals("false", System.getProperty(BufferPooling.LOW_MEMORY));
    }

    @Test
    void anOperatorsChoiceWins() {
        System.setProperty(BufferPooling.LOW_MEMORY, "true");
        assertEquals("true", BufferPooling.pooledRegardlessOfHeap());
        assertEquals("true", System.getProperty(BufferPooling.LOW_MEMORY));
    }
}
