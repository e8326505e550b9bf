package io.coffer.shard.server;

/**
 * Keeps Netty's default allocator pooling the buffers Coffer streams (64 KiB segments, 256 KiB sector
 * reads) whatever the heap size. Netty 4.2's adaptive allocator switches to a "low memory" mode when the
 * JVM's direct-memory limit is under 512 MiB, which by default is the case whenever {@code -Xmx} is
 * (the limit follows the heap): it then pools only buffers of at most 16,896 bytes and hands out every
 * larger one as a fresh {@code ByteBuffer.allocateDirect} (zeroed, freed through a Cleaner). Every
 * segment, every sector read and every socket read of an upload would be such an allocation; with
 * {@code -Xmx256m} the allocations were ≈ 8 % of the event loops' profile of a 1 MiB GET, and the
 * gateway spent 15 % less CPU per 1 MiB GET without the mode (docs/decisions/buffer-pooling.md).
 * Coffer bounds its buffers in flight itself (send windows, read ahead of one chunk, write windows), so
 * it does not need the allocator to shrink its pools for it.
 *
 * <p>Must run before any Netty buffer class is initialised (the first statement of a {@code main}); an
 * operator's own {@code -Dio.netty.allocator.lowMemory=...} wins.
 */
public final class BufferPooling {
    static final String LOW_MEMORY = "io.netty.allocator.lowMemory";

    private BufferPooling() {
    }

    /** Turns the low-memory mode off unless the operator chose; returns the value in force. */
    public static String pooledRegardlessOfHeap() {
        if (System.getProperty(LOW_MEMORY) == null) {
            System.setProperty(LOW_MEMORY, "false");
        }
        return System.getProperty(LOW_MEMORY);
    }
}
