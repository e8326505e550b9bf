package io.coffer.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
        List<ByteBuf> sources = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> SectorWriter.cut(bufs(5, 6).doOnNext(sources::add), List.of(10L))
                .doOnNext(p -> p.buf().release()).blockLast());
        assertEquals(2, sources.size());
        assertTrue(sources.stream().allMatch(b -> b.refCnt() == 0), "the buffer that overran is released too");
    }

    @Test
    void cutReleasesEverySourceBuffer() {
        List<ByteBuf> sources = new ArrayList<>();
        SectorWriter.cut(bufs(4, 4, 4).doOnNext(sources::add), List.of(6L, 6L))
                .doOnNext(p -> p.buf().release()).blockLast();
        assertEquals(3, sources.size());
        assertTrue(sources.stream().allMatch(b -> b.refCnt() == 0));
    }

    /** A shard that only takes sectors: each body's buffer sizes are recorded (then released), or it fails. */
    private static Shard recordingShard(Map<Long, List<Integer>> sizesBySectorLength, boolean failAfterFirst) {
        return (Shard) Proxy.newProxyInstance(SectorWriterTest.class.getClassLoader(), new Class<?>[] {Shard.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("putSector")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    long length = (Long) args[1];
                    @SuppressWarnings("unchecked")
                    Publisher<ByteBuf> body = (Publisher<ByteBuf>) args[2];
                    List<Integer> sizes = sizesBySectorLength.computeIfAbsent(length, l -> new CopyOnWriteArrayList<>());
                    return Flux.from(body)
                            .concatMap(b -> {
                                int n = b.readableBytes();
                                sizes.add(n);
                                b.release();
                                return failAfterFirst
                                        ? Mono.error(new ShardException(ShardException.Code.UNAVAILABLE, "disk gone"))
                                        : Mono.just(n);
                            }, 1)
                            .then(Mono.<SectorInfo>empty());
                });
    }

    @Test
    void piecesReachTheShardFourToABufferAndAreAllReleased() {
        // 100-byte buffers cut into sectors of 700 and 300 bytes: 7 pieces, then 3
        List<ByteBuf> sources = new ArrayList<>();
        Map<Long, List<Integer>> sizes = new ConcurrentHashMap<>();
        List<SectorRef> refs = SectorWriter.write(recordingShard(sizes, false),
                bufs(100, 100, 100, 100, 100, 100, 100, 100, 100, 100).doOnNext(sources::add),
                List.of(700L, 300L), id -> { }).block();
        assertEquals(2, refs.size());
        assertEquals(List.of(400, 300), sizes.get(700L), "four pieces per buffer, the rest at the sector's end");
        assertEquals(List.of(300), sizes.get(300L));
        assertEquals(10, sources.size());
        assertTrue(sources.stream().allMatch(b -> b.refCnt() == 0), "every source buffer released");
    }

    @Test
    void aShardThatFailsMidSectorLeavesNoBufferUnreleased() {
        List<ByteBuf> sources = new ArrayList<>();
        Map<Long, List<Integer>> sizes = new ConcurrentHashMap<>();
        assertThrows(ShardException.class, () -> SectorWriter.write(recordingShard(sizes, true),
                bufs(100, 100, 100, 100, 100, 100, 100, 100, 100, 100).doOnNext(sources::add),
                List.of(700L, 300L), id -> { }).block());
        assertEquals(List.of(400), sizes.get(700L));
        assertTrue(sources.stream().allMatch(b -> b.refCnt() == 0), "every buffer taken from the body released");
    }
}
