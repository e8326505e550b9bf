package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A real unpooled allocator that remembers every buffer it hands out, so a test can assert that the streams
 * released each one exactly once (a double release throws in Netty; a missing one shows here at once,
 * instead of whenever the GC lets the leak detector notice).
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> all = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger overReleases = new java.util.concurrent.atomic.AtomicInteger();

    TrackingAllocator(boolean direct) {
        super(direct);
    }

    @Override
    protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
            @Override
            public boolean release() {
                return counted(() -> super.release());
            }

            @Override
            public boolean release(int n) {
                return counted(() -> super.release(n));
            }
        };
        all.add(b);
        return b;
    }

    @Override
    protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity) {
            @Override
            public boolean release() {
                return counted(() -> super.release());
            }

            @Override
            public boolean release(int n) {
                return counted(() -> super.release(n));
            }
        };
        all.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    synchronized int allocated() {
        return all.size();
    }

    /** Remembers a release of an already freed buffer (which Netty's safeRelease would only log). */
    private boolean counted(java.util.function.BooleanSupplier release) {
        try {
            return release.getAsBoolean();
        } catch (io.netty.util.IllegalReferenceCountException e) {
            overReleases.incrementAndGet();
            throw e;
        }
    }

    synchronized void assertAllReleased() {
        long live = all.stream().filter(b -> b.refCnt() != 0).count();
        assertEquals(0, live, "buffers still referenced out of " + all.size());
        assertEquals(0, overReleases.get(), "buffers released more than once");
    }
}
