package io.coffer.shard.volume;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * Releases the {@link ByteBuf}s that Reactor operators discard (on cancel, on error, on a failed
 * mapper), exactly once per buffer however many stages of one pipeline ask for it.
 *
 * <p>Why not plain {@code doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease)} in each
 * stage: Reactor's discard hooks are cumulative. A decryptor over a sector reader under a read
 * pipeline would install three hooks, and every discarded buffer was released three times. The
 * extra releases log {@code IllegalReferenceCountException}, and when the pooled buffer object had
 * already been recycled for a new allocation in between, they freed somebody else's live buffer
 * (seen as GETs that stopped mid-body with "refCnt: 0"). Here the stage nearest the subscriber
 * installs the hook and marks the context; stages further upstream see the mark and add nothing.
 *
 * <p>The crypto library has the same class ({@code io.coffer.crypto.segment.DiscardedBuffers}) with the
 * same context key, so that the gateway's pipeline over an embedded shard's reader also ends up
 * with a single hook; shard-server does not depend on crypto.
 */
public final class DiscardedBuffers {
    /** Context key marking that a downstream stage already releases discarded buffers. */
    public static final String MARK = "coffer.releases-discarded-bytebufs";

    private DiscardedBuffers() {
    }

    /** {@code flux}, with discarded buffers released once (unless a downstream stage does it already). */
    public static <T> Flux<T> released(Flux<T> flux) {
        return Flux.deferContextual(ctx -> ctx.hasKey(MARK)
                ? flux
                : flux.doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease)
                        .contextWrite(Context.of(MARK, Boolean.TRUE)));
    }
}
