package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class SectorWriterTest {
    private static Flux<ByteBuf> bufs(int... sizes) {
        return Flux.fromArray(boxed(sizes)).map(n -> {
            ByteBuf b = Unpooled.buffer(n);
            for (int i = 0; i < n; i++) {
                b.writeByte(i);
            }
            return b;
        });
    }

    private static Integer[] boxed(int[] a) {
        Integer[] r = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    @Test
    void cutSlicesBuffersAtSectorBoundaries() {
        List<SectorWriter.Piece> pieces = SectorWriter.cut(bufs(7, 7, 9), List.of(10L, 10L, 3L)).collectList().block();
        List<Integer> sizes = new ArrayList<>();
        List<Boolean> ends = new ArrayList<>();
        for (SectorWriter.Piece p : pieces) {
            sizes.add(p.buf().readableBytes());
            ends.add(p.endsSector());
            p.buf().release();
        }
        assertEquals(List.of(7, 3, 4, 6, 3), sizes);
        assertEquals(List.of(false, true, false, true, true), ends);
    }

    @Test
    void cutRejectsShortAndLongStreams() {
        assertThrows(IllegalStateException.class,
                () -> SectorWriter.cut(bufs(5), List.of(10L)).doOnNext(p -> p.buf().release()).blockLast());
        assertThrows(IllegalStateException.class,
                () -> SectorWriter.cut(bufs(5, 6), List.of(10L)).doOnNext(p -> p.buf().release()).blockLast());
    }

    @Test
    void cutReleasesEverySourceBuffer() {
        List<ByteBuf> sources = new ArrayList<>();
        SectorWriter.cut(bufs(4, 4, 4).doOnNext(sources::add), List.of(6L, 6L))
                .doOnNext(p -> p.buf().release()).blockLast();
        assertEquals(3, sources.size());
        assertTrue(sources.stream().allMatch(b -> b.refCnt() == 0));
    }
}
