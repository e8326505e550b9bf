package io.coffer.gateway.store;

import io.coffer.crypto.segment.DiscardedBuffers;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.Shard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
 * wait between the encryptor and the sector bodies, which hand them to the shard
 * {@link #PIECES_PER_WRITE} to a buffer (and the shard's writer queues a few such buffers), so a
 * request holds a bounded amount of memory however large the object is.
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

    /**
     * Pieces handed to the shard as one buffer. The shard writes on its I/O threads; a 64 KiB piece at
     * a time, its thread woke and parked again for every piece (about 7 % of a large PUT's gateway CPU
     * was that thread switching); four at a time it does a quarter of that.
     */
    static final int PIECES_PER_WRITE = 4;

    /** One buffer over {@code bufs} (a composite that owns them), without copying. */
    private static ByteBuf joined(List<ByteBuf> bufs) {
        return bufs.size() == 1 ? bufs.get(0) : Unpooled.wrappedBuffer(bufs.size(), bufs.toArray(ByteBuf[]::new));
    }

    /**
     * A slice of ciphertext and whether it is the last bytes of its sector. A piece still queued when
     * the write fails is discarded by whichever stage holds it, and both the request's chain and a
     * sector body's may see it: {@link #release} releases its buffer once.
     */
    static final class Piece {
        private final ByteBuf buf;
        private final boolean endsSector;
        private final AtomicBoolean released = new AtomicBoolean();

        Piece(ByteBuf buf, boolean endsSector) {
            this.buf = buf;
            this.endsSector = endsSector;
        }

        ByteBuf buf() {
            return buf;
        }

        boolean endsSector() {
            return endsSector;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                buf.release();
            }
        }
    }

    /**
     * Writes {@code ciphertext} (exactly the sum of {@code lengths} bytes, else an error) into new
     * sectors on {@code shard}. {@code started} sees every sector id before its bytes are sent, so a
     * failed request can delete what it wrote.
     */
    public static Mono<List<SectorRef>> write(Shard shard, Flux<ByteBuf> ciphertext, List<Long> lengths,
                                              Consumer<SectorId> started) {
        if (lengths.isEmpty()) {
            return cut(ciphertext, lengths).doOnNext(Piece::release).then(Mono.just(List.of()));
        }
        return Flux.defer(() -> {
                    AtomicInteger next = new AtomicInteger();
                    return cut(ciphertext, lengths)
                            .windowUntil(Piece::endsSector, false, PIECES_IN_FLIGHT)
                            .flatMapSequential(window -> {
                                int index = next.getAndIncrement();
                                if (index >= lengths.size()) {
                                    return window.doOnNext(Piece::release).then(Mono.empty());
                                }
                                long length = lengths.get(index);
                                SectorId id = SectorId.random();
                                started.accept(id);
                                // a shard may be cancelled before it subscribes to the body (it looks the id up
                                // first): then nobody would ever release the pieces queued in this window
                                AtomicBoolean subscribed = new AtomicBoolean();
                                // The shard may subscribe in a context of its own (the embedded store runs a
                                // write to its end detached from the request): pieces its cancel leaves in the
                                // window are released here, and buffers, not pieces, go into a batch, so that a
                                // batch it cancels is released by the hook for ByteBufs (the shard's, else this)
                                Flux<ByteBuf> body = DiscardedBuffers.released(
                                        window.doOnSubscribe(sub -> subscribed.set(true))
                                                .map(Piece::buf)
                                                .doOnDiscard(Piece.class, Piece::release)
                                                .buffer(PIECES_PER_WRITE)
                                                .map(SectorWriter::joined));
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
                .doOnDiscard(Piece.class, Piece::release)
                // a window emitted but never subscribed (the stream failed first) still holds pieces
                .doOnDiscard(Flux.class, SectorWriter::drain);
    }

    /** Releases whatever pieces a window that nobody consumed still holds. */
    private static void drain(Flux<?> window) {
        window.subscribe(o -> {
            if (o instanceof Piece p) {
                p.release();
            }
        }, e -> { });
    }

    /**
     * Slices the stream at the sector boundaries given by {@code lengths}. Fails if the stream has
     * more or fewer bytes than the lengths add up to. Input still queued when the stream fails or
     * is cancelled is released (unless a caller's hook does it).
     */
    static Flux<Piece> cut(Flux<ByteBuf> in, List<Long> lengths) {
        return DiscardedBuffers.released(Flux.defer(() -> {
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
                        boolean consumed = false;
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
                            consumed = true;
                            return pieces;
                        } catch (RuntimeException e) {
                            pieces.forEach(Piece::release);
                            throw e;
                        } finally {
                            // when this throws, Reactor discards the input itself (the hook releases it)
                            if (consumed) {
                                buf.release();
                            }
                        }
                    }, PIECES_IN_FLIGHT)
                    .concatWith(Mono.defer(() -> seen[0] == expected
                            ? Mono.empty()
                            : Mono.error(new IllegalStateException("ciphertext ended at " + seen[0] + " of " + expected + " bytes"))));
        }));
    }
}
