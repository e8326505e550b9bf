package io.coffer.crypto.segment;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Heap buffers for the segments a PUT stages and seals, each backed by an array of one stored segment's length
 * (64 KiB + tag by default) that goes back on a bounded free list when the buffer is released.
 *
 * <p>Why not a pooling allocator: Netty's adaptive allocator carves heap buffers out of 1 MiB
 * {@code byte[]} chunks. Under {@code -Xmx256m} G1's regions are 1 MiB, so each chunk is a humongous
 * object, allocated straight into the old generation, and every new one starts a concurrent marking
 * cycle. During multipart uploads the pool gave chunks back and made new ones a few times a second:
 * about a hundred concurrent cycles in 70 s and ≈ 14 % of the gateway's CPU in G1's threads
 * (docs/decisions/buffer-pooling.md). Arrays of one segment are ordinary young-generation objects, and
 * those on the free list are reused instead of being allocated and zeroed again.
 *
 * <p>Every buffer has an array of its own, so a GCM input and output never share one (see
 * {@link GcmOutputs}). A reused array holds an earlier segment's ciphertext past the bytes written; a
 * buffer's readable bytes are only ever what its writer wrote. Requests larger than one stored segment,
 * or with a smaller maximum capacity, get plain unpooled buffers.
 */
final class SegmentArrays extends AbstractByteBufAllocator {
    /** Bytes of arrays kept for reuse: 255 segments of 64 KiB + tag, what a dozen uploads have in flight. */
    static final int MAX_FREE_BYTES = 16 << 20;

    private final int arrayLength;
    private final BlockingQueue<byte[]> free;

    SegmentArrays(int arrayLength, int maxFree) {
        super(false);
        this.arrayLength = arrayLength;
        this.free = new ArrayBlockingQueue<>(maxFree);
    }

    /** Arrays of one stored segment of {@code layout}: a staged segment or a sealed one fits. */
    static SegmentArrays forLayout(SegmentLayout layout) {
        int length = layout.storedSegmentSize();
        return new SegmentArrays(length, Math.max(1, MAX_FREE_BYTES / length));
    }

    /** Arrays on the free list now (tests). */
    int freeArrays() {
        return free.size();
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        if (initialCapacity > arrayLength || maxCapacity < arrayLength) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }
        byte[] array = free.poll();
        return new Recycled(array != null ? array : new byte[arrayLength]);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private final class Recycled extends UnpooledHeapByteBuf {
        Recycled(byte[] array) {
            super(SegmentArrays.this, array, arrayLength);
            clear();
        }

        @Override
        protected void freeArray(byte[] array) {
            // only arrays of the pooled length: a capacity change would hand back one of another size
            if (array.length == arrayLength) {
                free.offer(array);
            }
        }
    }
}
