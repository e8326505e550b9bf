package io.coffer.gateway.server;

import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
final class BufferedBody {
    /** Largest body read ahead: S3's minimum part size, so chunked uploads of parts that small work too. */
    static final long MAX_BYTES = 5L << 20;

    private final List<ByteBuf> buffers;
    private final long length;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private BufferedBody(List<ByteBuf> buffers, long length) {
        this.buffers = buffers;
        this.length = length;
    }

    /** Reads {@code body} to its end; fails with MissingContentLength past {@code maxBytes}. */
    static Mono<BufferedBody> read(Flux<ByteBuf> body, long maxBytes) {
        return Mono.defer(() -> {
            long[] total = {0};
            return DiscardedBuffers.released(body.<ByteBuf>handle((buf, sink) -> {
                        total[0] += buf.readableBytes();
                        if (total[0] > maxBytes) {
                            buf.release();
                            sink.error(new S3Exception(S3Error.MISSING_CONTENT_LENGTH));
                            return;
                        }
                        sink.next(buf);
                    })
                    .collectList()
                    .map(list -> new BufferedBody(list, total[0])));
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

    /** Releases the buffers if no handler took them. */
    void releaseUnclaimed() {
        if (claimed.compareAndSet(false, true)) {
            buffers.forEach(ReferenceCountUtil::safeRelease);
        }
    }
}
