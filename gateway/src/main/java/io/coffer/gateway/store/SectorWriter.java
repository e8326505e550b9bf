package io.coffer.gateway.store;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams a part's ciphertext into sectors of precomputed lengths, in order.
 * Buffers are sliced (not copied) at sector boundaries. At most {@link #PIECES_IN_FLIGHT} pieces
 * wait between the encryptor and the shard, so a request holds a bounded amount of memory however
 * large the object is.
 */
public final class SectorWriter {
    /** Pieces (normally one ciphertext segment each, 64 KiB) buffered between cut and putSector. */
    static final int PIECES_IN_FLIGHT = 8;
    /**
     * Sectors written concurrently: the next sector streams while the previous one's metadata
     * commits, which hides the shard's per-sector commit latency; two keep memory at a couple of
     * pieces per sector.
     */
    static final int SECTORS_IN_FLIGHT = 2;

    private SectorWriter() {
    }

    /** A slice of ciphertext and whether it is the last bytes of its sector. */
    record Piece(ByteBuf buf, boolean endsSector) {
    }

    /**
     * Writes {@code ciphertext} (exactly the sum of {@code lengths} bytes, else an error) into new
     * sectors on {@code shard}. {@code started} sees every sector id before its bytes are sent, so a
     * failed request can delete what it wrote.
     */
    public static Mono<List<SectorRef>> write(Shard shard, Flux<ByteBuf> ciphertext, List<Long> lengths,
                                              Consumer<SectorId> started) {
        if (lengths.isEmpty()) {
            return cut(ciphertext, lengths).doOnNext(p -> p.buf().release()).then(Mono.just(List.of()));
        }
        return Flux.defer(() -> {
                    AtomicInteger next = new AtomicInteger();
                    return cut(ciphertext, lengths)
                            .windowUntil(Piece::endsSector, false, PIECES_IN_FLIGHT)
                            .flatMapSequential(window -> {
                                int index = next.getAndIncrement();
                                if (index >= lengths.size()) {
                                    return window.doOnNext(p -> p.buf().release()).then(Mono.empty());
                                }
                                long length = lengths.get(index);
                                SectorId id = SectorId.random();
                                started.accept(id);
                                // a shard may be cancelled before it subscribes to the body (it looks the id up
                                // first): then nobody would ever release the pieces queued in this window
                                AtomicBoolean subscribed = new AtomicBoolean();
                                Flux<ByteBuf> body = window.doOnSubscribe(sub -> subscribed.set(true)).map(Piece::buf);
                                return shard.putSector(id, length, body)
                                        .doFinally(signal -> {
                                            if (!subscribed.get()) {
                                                drain(window);
                                            }
                                        })
                                        .thenReturn(new SectorRef(id, length));
                            }, SECTORS_IN_FLIGHT, 1);
                })
                .collectList()
                .flatMap(refs -> refs.size() == lengths.size()
                        ? Mono.just(refs)
                        : Mono.error(new IllegalStateException("wrote " + refs.size() + " of " + lengths.size() + " sectors")))
                .doOnDiscard(Piece.class, p -> p.buf().release())
                // a window emitted but never subscribed (the stream failed first) still holds pieces
                .doOnDiscard(Flux.class, SectorWriter::drain);
    }

    /** Releases whatever pieces a window that nobody consumed still holds. */
    private static void drain(Flux<?> window) {
        window.subscribe(o -> {
            if (o instanceof Piece p) {
                p.buf().release();
            }
        }, e -> { });
    }

    /**
     * Slices the stream at the sector boundaries given by {@code lengths}. Fails if the stream has
     * more or fewer bytes than the lengths add up to.
     */
    static Flux<Piece> cut(Flux<ByteBuf> in, List<Long> lengths) {
        return Flux.defer(() -> {
            long total = 0;
            for (long l : lengths) {
                total += l;
            }
            long expected = total;
            int[] sector = {0};
            long[] filled = {0};
            long[] seen = {0};
            return in.concatMapIterable(buf -> {
                        List<Piece> pieces = new ArrayList<>(2);
                        try {
                            seen[0] += buf.readableBytes();
                            if (seen[0] > expected) {
                                throw new IllegalStateException("ciphertext longer than the " + expected + " bytes planned");
                            }
                            while (buf.isReadable()) {
                                long room = lengths.get(sector[0]) - filled[0];
                                int n = (int) Math.min(room, buf.readableBytes());
                                ByteBuf slice = buf.readRetainedSlice(n);
                                filled[0] += n;
                                boolean ends = filled[0] == lengths.get(sector[0]);
                                if (ends) {
                                    sector[0]++;
                                    filled[0] = 0;
                                }
                                pieces.add(new Piece(slice, ends));
                            }
                            return pieces;
                        } catch (RuntimeException e) {
                            pieces.forEach(p -> p.buf().release());
                            throw e;
                        } finally {
                            buf.release();
                        }
                    }, PIECES_IN_FLIGHT)
                    .concatWith(Mono.defer(() -> seen[0] == expected
                            ? Mono.empty()
                            : Mono.error(new IllegalStateException("ciphertext ended at " + seen[0] + " of " + expected + " bytes"))));
        });
    }
}
