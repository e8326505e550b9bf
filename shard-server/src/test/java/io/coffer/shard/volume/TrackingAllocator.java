package io.coffer.shard.volume;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An allocator that remembers every buffer it hands out, so a test can assert that the code under test released
 * each one exactly (refCnt 0), instead of waiting for the leak detector to notice at GC.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = Collections.synchronizedList(new ArrayList<>());

    TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    int count() {
        return allocated.size();
    }

    long live() {
        synchronized (allocated) {
            return allocated.stream().filter(b -> b.refCnt() > 0).count();
        }
    }

    void assertAllReleased() {
        assertEquals(0, live(), "buffers still referenced out of " + count());
    }

    private ByteBuf track(ByteBuf b) {
        allocated.add(b);
        return b;
    }
}
