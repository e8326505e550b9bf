package io.coffer.crypto.segment;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Output buffers produced for one input buffer, owned here until the downstream operator takes them one by
 * one. Whatever is still here when the stream ends early is released by {@link #releaseAll()}, so nothing
 * depends on how an operator discards the rest of an iterator on cancel.
 */
final class OwnedQueue implements Iterable<ByteBuf> {
    private final Object lock;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);

    OwnedQueue(Object lock) {
        this.lock = lock;
    }

    void add(ByteBuf b) {
        queue.add(b);
    }

    void releaseAll() {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
    }

    @Override
    public Iterator<ByteBuf> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                synchronized (lock) {
                    return !queue.isEmpty();
                }
            }

            @Override
            public ByteBuf next() {
                synchronized (lock) {
                    ByteBuf b = queue.poll();
                    if (b == null) {
                        throw new NoSuchElementException();
                    }
                    return b;
                }
            }
        };
    }
}
