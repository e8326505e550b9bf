package io.coffer.shard.server;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.wire.BodyMac;
import io.coffer.shard.wire.ClusterSecret;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns the inbound body of a sector PUT ({@code length} sector bytes, then the {@link BodyMac}
 * trailer) into the exact sector bytes for the engine, without aggregating them.
 *
 * <p>The last sector buffer is held back until the trailer has arrived and verified: the engine
 * only ever sees all {@code length} bytes when the MAC matches, so a forged, truncated or tampered
 * body ends in an error and the engine never completes (or acknowledges) that sector.
 */
final class SectorBody {
    private final long length;
    private final BodyMac mac;
    private final byte[] trailer = new byte[BodyMac.LENGTH];
    private final AtomicReference<ByteBuf> pending = new AtomicReference<>();
    private volatile boolean done;
    private long seen;
    private int trailerFill;

    SectorBody(long length, ClusterSecret secret, String authorization) {
        this.length = length;
        this.mac = new BodyMac(secret, authorization);
    }

    /** The sector bytes of {@code inbound}; each emitted buffer is retained for the engine to release. */
    Flux<ByteBuf> sectorBytes(Flux<ByteBuf> inbound) {
        return inbound.<ByteBuf>handle((buf, sink) -> {
                    int index = buf.readerIndex();
                    int readable = buf.readableBytes();
                    int toSector = (int) Math.min(readable, length - seen);
                    int toTrailer = readable - toSector;
                    if (toTrailer > trailer.length - trailerFill) {
                        sink.error(new ShardException(Code.INVALID_ARGUMENT, "body longer than declared"));
                        return;
                    }
                    if (toTrailer > 0) {
                        buf.getBytes(index + toSector, trailer, trailerFill, toTrailer);
                        trailerFill += toTrailer;
                    }
                    if (toSector > 0) {
                        mac.update(buf, index, toSector);
                        seen += toSector;
                        // the whole buffer when it is all sector bytes (the common case), else the sector part
                        ByteBuf part = toSector == readable ? buf.retain() : buf.retainedSlice(index, toSector);
                        ByteBuf previous = pending.getAndSet(part);
                        if (done) {
                            // cancelled meanwhile (the engine failed, the peer left): nobody will take these
                            releasePending();
                            if (previous != null) {
                                previous.release();
                            }
                        } else if (previous != null) {
                            sink.next(previous);
                        }
                    }
                })
                .concatWith(Mono.defer(this::finish))
                .doFinally(signal -> {
                    done = true;
                    releasePending();
                });
    }

    private Mono<ByteBuf> finish() {
        if (seen < length || trailerFill < trailer.length) {
            releasePending();
            return Mono.error(new ShardException(Code.INVALID_ARGUMENT,
                    "truncated sector body: " + seen + " of " + length + " bytes"));
        }
        if (!ClusterSecret.macEquals(mac.finish(), trailer)) {
            releasePending();
            return Mono.error(new ShardException(Code.UNAUTHORIZED, "sector body MAC mismatch"));
        }
        ByteBuf last = pending.getAndSet(null);
        return last == null ? Mono.empty() : Mono.just(last);
    }

    private void releasePending() {
        ByteBuf b = pending.getAndSet(null);
        if (b != null) {
            b.release();
        }
    }
}
