package io.coffer.shard.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled request interrupts the thread doing its volume I/O (Reactor cancels tasks that way);
 * that must not close the volume for every other request.
 */
class VolumeInterruptTest {
    @TempDir
    Path dir;

    @Test
    void interruptedWriterDoesNotCloseTheVolumeForOthers() throws Exception {
        try (Volume volume = Volume.create(dir, UUID.randomUUID(), 0, 4L << 20, 0)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    volume.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 1 << 20);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            writer.join();

            byte[] data = {9, 8, 7, 6};
            volume.write(ByteBuffer.wrap(data), 2 << 20);
            ByteBuffer back = ByteBuffer.allocate(4);
            volume.read(back, 2 << 20);
            assertArrayEquals(data, back.array());
            assertTrue(volume.channel().isOpen(), "the shared channel stays open; interrupted write: " + failure.get());
        }
    }
}
