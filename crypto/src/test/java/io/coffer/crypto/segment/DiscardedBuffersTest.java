package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class DiscardedBuffersTest {

    /** Buffers with one extra reference: a single release leaves refCnt 1, a double release 0. */
    private static List<ByteBuf> buffers(int n) {
        List<ByteBuf> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Unpooled.buffer(8).writeLong(i).retain());
        }
        return out;
    }

    @Test
    void nestedStagesReleaseEachDiscardedBufferOnce() {
        List<ByteBuf> bufs = buffers(5);
        // filter discards every element it drops; three stages each ask for discarded buffers to be released
        Flux<ByteBuf> inner = DiscardedBuffers.released(Flux.fromIterable(bufs).filter(b -> false));
        Flux<ByteBuf> middle = DiscardedBuffers.released(inner.map(b -> b));
        DiscardedBuffers.released(middle).blockLast();
        for (ByteBuf b : bufs) {
            assertEquals(1, b.refCnt(), "released exactly once");
        }
    }

    @Test
    void cumulativeDoOnDiscardHooksReleaseTwiceWhichIsWhyThisClassExists() {
        List<ByteBuf> bufs = buffers(3);
        Flux.fromIterable(bufs).filter(b -> false)
                .doOnDiscard(ByteBuf.class, ByteBuf::release)
                .doOnDiscard(ByteBuf.class, ByteBuf::release)
                .blockLast();
        for (ByteBuf b : bufs) {
            assertEquals(0, b.refCnt(), "Reactor runs both hooks");
        }
    }

    @Test
    void aStageAloneStillReleasesWhatItDiscards() {
        List<ByteBuf> bufs = buffers(4);
        DiscardedBuffers.released(Flux.fromIterable(bufs).take(1)).doOnNext(ByteBuf::release).blockLast();
        // take(1) cancels the source after the first element: fromIterable discards nothing it never emitted,
        // so only the first buffer (released by the subscriber) changes
        assertEquals(1, bufs.get(0).refCnt());
        List<ByteBuf> dropped = buffers(4);
        DiscardedBuffers.released(Flux.fromIterable(dropped).filter(b -> b.getLong(0) % 2 == 0))
                .doOnNext(ByteBuf::release).blockLast();
        for (ByteBuf b : dropped) {
            assertEquals(1, b.refCnt(), "kept ones released by the subscriber, dropped ones by the hook");
        }
    }

    @Test
    void monoStageMarksTheContextForTheFluxInsideIt() {
        List<ByteBuf> bufs = buffers(3);
        DiscardedBuffers.released(DiscardedBuffers.released(Flux.fromIterable(bufs).filter(b -> false)).collectList())
                .block();
        for (ByteBuf b : bufs) {
            assertEquals(1, b.refCnt());
        }
    }
}
