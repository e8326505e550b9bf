package io.coffer.gateway.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.WrappedByteBuf;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Bounds the bytes of a response body that have been produced but not yet written: buffers pass on
 * while fewer than {@code limit} bytes of them are unreleased, and the next one is asked for when the
 * transport releases one (after writing it to the socket).
 *
 * <p>Why: Reactor Netty's {@code send(Publisher)} asks for 128 buffers at once and refills as writes
 * complete, whatever their size, so a GET whose client reads slower than the gateway decrypts keeps 128
 * plaintext segments (8 MiB) queued in the channel; 32 concurrent 64 MiB GETs held 256 MiB of direct
 * memory that way, the whole budget under {@code -Xmx256m}. With a window of 2 MiB they hold 64 MiB.
 *
 * <p>Upstream is asked for one buffer at a time (a body is a stream of 64 KiB segments, so this costs
 * one request per segment). Each buffer is handed on wrapped, so that its last release (by whoever
 * ends up owning it) returns its bytes to the window; the wrapper is otherwise the buffer itself.
 */
public final class SendWindow {
    /** Default window per response body. */
    public static final long DEFAULT_LIMIT = 2L << 20;

    private SendWindow() {
    }

    /** {@code body}, holding at most about {@code limit} bytes (plus one buffer) unreleased. */
    public static Flux<ByteBuf> of(Publisher<ByteBuf> body, long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
                body.subscribe(new Window(actual, limit));
            }
        };
    }

    private static final class Window implements CoreSubscriber<ByteBuf>, Subscription {
        private final CoreSubscriber<? super ByteBuf> actual;
        private final long limit;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicLong unreleased = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Subscription upstream;
        /** An upstream request(1) not yet answered; read and written inside {@link #drain} and onNext. */
        private volatile boolean asked;
        private volatile boolean done;

        Window(CoreSubscriber<? super ByteBuf> actual, long limit) {
            this.actual = actual;
            this.limit = limit;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(ByteBuf b) {
            if (done) {
                Operators.onDiscard(b, actual.currentContext());
                return;
            }
            int n = b.readableBytes();
            unreleased.addAndGet(n);
            demand.decrementAndGet();
            asked = false;
            actual.onNext(new Tracked(b, n, this));
            drain();
        }

        @Override
        public void onError(Throwable t) {
            done = true;
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            done = true;
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                demand.getAndUpdate(d -> Operators.addCap(d, n));
                drain();
            }
        }

        @Override
        public void cancel() {
            done = true;
            upstream.cancel();
        }

        void released(int n) {
            unreleased.addAndGet(-n);
            drain();
        }

        /** Asks upstream for the next buffer when there is demand, room in the window and no open ask. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                if (!done && !asked && demand.get() > 0 && unreleased.get() < limit) {
                    asked = true;
                    upstream.request(1);
                }
            } while (wip.decrementAndGet() != 0);
        }
    }

    /** The buffer as it is, except that its last release gives its bytes back to the window. */
    static final class Tracked extends WrappedByteBuf {
        private final int length;
        private final Window window;
        private final AtomicInteger returned = new AtomicInteger();

        Tracked(ByteBuf buf, int length, Window window) {
            super(buf);
            this.length = length;
            this.window = window;
        }

        @Override
        public boolean release() {
            return returned(super.release());
        }

        @Override
        public boolean release(int decrement) {
            return returned(super.release(decrement));
        }

        @Override
        public ByteBuf retain() {
            super.retain();
            return this;
        }

        @Override
        public ByteBuf retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public ByteBuf touch() {
            super.touch();
            return this;
        }

        @Override
        public ByteBuf touch(Object hint) {
            super.touch(hint);
            return this;
        }

        private boolean returned(boolean freed) {
            if (freed && returned.compareAndSet(0, 1)) {
                window.released(length);
            }
            return freed;
        }
    }
}
