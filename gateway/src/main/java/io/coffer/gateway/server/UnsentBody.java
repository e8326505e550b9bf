package io.coffer.gateway.server;

import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.gateway.s3.S3Response;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Releases what a response body holds when the exchange ends without the body ever being sent.
 *
 * <p>Why: a GET's body is not lazy. Its first segment is read, decrypted and verified before the status
 * line is chosen ({@code ReadPipeline.readVerifyingFirst}), and waits inside the body publisher in a
 * pooled buffer, with the object's data key. When the client has gone by the time the response is sent,
 * Reactor Netty's {@code send(Publisher)} answers {@code AbortedException} without subscribing its
 * source; a cancelled exchange may also drop the response before it reaches {@code send}. Nobody would
 * release that buffer: pooled direct memory lost for the life of the process, once per aborted GET.
 *
 * <p>How: the server tracks the body of the response a handler answered (one per exchange). Whoever comes
 * second of "the body was subscribed" and "the exchange ended" decides: if nothing subscribed, the body is
 * drained here by asking it for one buffer, releasing it and cancelling, so the first segment comes out
 * and is released, the stages behind it see a cancel (their discard hooks release what they hold, the
 * key is destroyed) and the rest of the object is never read. A lazy body (an XML document) just makes
 * its buffer and gives it back.
 */
final class UnsentBody {
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile Publisher<ByteBuf> body;
    private volatile boolean ended;

    /** {@code r}, whose body now marks itself as sent when something subscribes to it. */
    S3Response track(S3Response r) {
        Publisher<ByteBuf> b = r.body();
        if (b == null) {
            return r;
        }
        Publisher<ByteBuf> marked = b instanceof Mono<ByteBuf> one
                ? Mono.defer(() -> claimed.compareAndSet(false, true) ? one : Mono.empty())
                : Flux.defer(() -> claimed.compareAndSet(false, true) ? b : Flux.empty());
        r.body(marked, r.contentLength());
        body = b;
        if (ended) {
            // the exchange ended (cancelled) while this response was on its way here
            drainIfUnsent();
        }
        return r;
    }

    /** The exchange is over: drains the tracked body if nothing subscribed to it. */
    void end() {
        ended = true;
        drainIfUnsent();
    }

    private void drainIfUnsent() {
        Publisher<ByteBuf> b = body;
        if (b != null && claimed.compareAndSet(false, true)) {
            drain(b);
        }
    }

    /** Takes one buffer from {@code body}, releases it and cancels the rest. */
    static void drain(Publisher<ByteBuf> body) {
        DiscardedBuffers.released(Flux.from(body)).subscribe(new BaseSubscriber<ByteBuf>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(1);
            }

            @Override
            protected void hookOnNext(ByteBuf b) {
                b.release();
                cancel();
            }

            @Override
            protected void hookOnError(Throwable e) {
                // nothing was sent and nobody is waiting: a body that fails while being drained owes nothing
            }
        });
    }
}
