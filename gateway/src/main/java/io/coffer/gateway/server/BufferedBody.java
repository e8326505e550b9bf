package io.coffer.gateway.server;

import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A body sent with {@code Transfer-Encoding: chunked} and no length, read ahead into memory up to a
 * bound: the write path needs an object's length before its first byte (sectors are allocated to
 * size), so without a Content-Length the length is only known at the end. Beyond {@link #MAX_BYTES}
 * the request fails with MissingContentLength, as S3 answers every PUT without a length.
 *
 * <p>The buffers belong to this body until {@link #flux()} is subscribed; if nobody subscribes, the
 * server calls {@link #releaseUnclaimed()} when the request ends.
 *
 * <p>All bodies read ahead at once share one {@link Budget}: without it, the concurrency limit times
 * {@link #MAX_BYTES} (5 GiB at the defaults) could sit in heap. A body that does not fit answers
 * SlowDown (503), which clients retry with back-off.
 */
final class BufferedBody {
    /** Largest body read ahead: S3's minimum part size, so chunked uploads of parts that small work too. */
    static final long MAX_BYTES = 5L << 20;
    /** Bytes all read-ahead bodies may hold together. */
    static final long BUDGET_BYTES = 32L << 20;

    private final List<ByteBuf> buffers;
    private final long length;
    private final Budget budget;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean returned = new AtomicBoolean();

    private BufferedBody(List<ByteBuf> buffers, long length, Budget budget) {
        this.buffers = buffers;
        this.length = length;
        this.budget = budget;
    }

    /** The bytes all read-ahead bodies may hold at once. */
    static final class Budget {
        private final long limit;
        private final AtomicLong used = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        boolean tryReserve(long n) {
            while (true) {
                long u = used.get();
                if (u + n > limit) {
                    return false;
                }
                if (used.compareAndSet(u, u + n)) {
                    return true;
                }
            }
        }

        void release(long n) {
            used.addAndGet(-n);
        }

        long used() {
            return used.get();
        }
    }

    /**
     * Reads {@code body} to its end; fails with MissingContentLength past {@code maxBytes} and with
     * SlowDown when {@code budget} has no room for it.
     */
    static Mono<BufferedBody> read(Flux<ByteBuf> body, long maxBytes, Budget budget) {
        return Mono.defer(() -> {
            long[] total = {0};
            AtomicBoolean kept = new AtomicBoolean();
            return DiscardedBuffers.released(body.<ByteBuf>handle((buf, sink) -> {
                        int n = buf.readableBytes();
                        if (total[0] + n > maxBytes) {
                            buf.release();
                            sink.error(new S3Exception(S3Error.MISSING_CONTENT_LENGTH));
                            return;
                        }
                        if (!budget.tryReserve(n)) {
                            buf.release();
                            sink.error(new S3Exception(S3Error.SLOW_DOWN));
                            return;
                        }
                        total[0] += n;
                        sink.next(buf);
                    })
                    .collectList()
                    .map(list -> {
                        kept.set(true);
                        return new BufferedBody(list, total[0], budget);
                    }))
                    // a body that failed or was cancelled gives its reservation back at once
                    .doFinally(signal -> {
                        if (!kept.get()) {
                            budget.release(total[0]);
                        }
                    });
        });
    }

    long length() {
        return length;
    }

    /** The buffered bytes, once: a second subscriber gets an error, never the same buffers twice. */
    Flux<ByteBuf> flux() {
        return Flux.defer(() -> claimed.compareAndSet(false, true)
                ? Flux.fromIterable(buffers)
                : Flux.error(new IllegalStateException("a request body can be read once")));
    }

    /**
     * At the end of the request: releases the buffers if no handler took them, and gives the bytes
     * back to the budget (a handler that took them has written or dropped them by now).
     */
    void releaseUnclaimed() {
        if (claimed.compareAndSet(false, true)) {
            buffers.forEach(ReferenceCountUtil::safeRelease);
        }
        if (returned.compareAndSet(false, true)) {
            budget.release(length);
        }
    }
}
