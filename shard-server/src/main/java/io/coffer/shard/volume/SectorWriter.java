package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Streams a sector body into its extent with positional writes, computing CRC32C on the way.
 *
 * <p>Buffers are written as they arrive and released right after; at most {@link #PREFETCH} buffers are queued
 * between the network and the disk, so a 4 MiB sector never sits in heap. File I/O runs on the given scheduler
 * (never on a Netty event loop).
 *
 * <p>Buffers: every buffer the body emits is released, including those queued when the write fails; a body
 * longer than declared is rejected before its buffers reach the queue, so by the time the {@code Mono} fails
 * for that reason all of them have been released.
 *
 * <p>Ownership of the extent: the caller allocates it; if the write fails for any reason (body shorter or longer
 * than declared, I/O error, body error, cancellation) this class frees it, after the last positional write to
 * it has returned, so no late write can land in space that was already handed to another sector. On success
 * the caller owns it (records it in LMDB, and frees it later).
 */
public final class SectorWriter {
    /** Buffers requested ahead of the disk; bounds per-write memory to a few network buffers. */
    static final int PREFETCH = 4;

    private final VolumeSet volumes;
    private final Scheduler io;

    public SectorWriter(VolumeSet volumes, Scheduler io) {
        this.volumes = volumes;
        this.io = io;
    }

    /**
     * Writes {@code body} into {@code extent}.
     *
     * @param expectedLength the declared sector length; must equal {@code extent.length()}
     * @return the extent and the CRC32C of its bytes once they are in the file (not yet durable: commit them
     *         with {@link GroupCommitter})
     */
    public Mono<WrittenSector> write(Extent extent, long expectedLength, Publisher<ByteBuf> body) {
        return Mono.defer(() -> {
            if (expectedLength != extent.length()) {
                drain(body);
                volumes.free(extent);
                return Mono.error(new ShardException(ShardException.Code.INVALID_ARGUMENT,
                        "declared length " + expectedLength + " differs from extent length " + extent.length()));
            }
            return stream(new Sink(volumes, expectedLength, extent), body);
        });
    }

    /**
     * Allocates space for {@code length} bytes and writes. The allocation runs on the I/O scheduler (growth may
     * create a file), as the first step of the write there rather than a hop of its own: a small sector costs one
     * thread hand-off, not two. A failed allocation fails the write: the body is cancelled and every buffer
     * received from it is released.
     */
    public Mono<WrittenSector> allocateAndWrite(long length, Publisher<ByteBuf> body) {
        return Mono.defer(() -> stream(new Sink(volumes, length, null), body));
    }

    private Mono<WrittenSector> stream(Sink sink, Publisher<ByteBuf> body) {
        long expectedLength = sink.length;
        long[] received = {0};
        return DiscardedBuffers.released(Flux.from(body)
                // The length check runs before publishOn, so an overlong body errors upstream of the queue:
                // publishOn then writes what it holds and delivers the error after, and every buffer this
                // writer received has been released by the time the Mono fails.
                .<ByteBuf>handle((buf, out) -> {
                    received[0] += buf.readableBytes();
                    if (received[0] > expectedLength) {
                        buf.release();
                        out.error(new ShardException(ShardException.Code.INVALID_ARGUMENT,
                                "body longer than the declared " + expectedLength + " bytes"));
                    } else {
                        out.next(buf);
                    }
                })
                .publishOn(io, PREFETCH)
                .doOnNext(sink::write))
                // on the I/O scheduler too: publishOn delivers the completion there
                .then(Mono.fromCallable(sink::finish))
                .doOnError(e -> sink.abandon())
                .doOnCancel(sink::abandon);
    }

    /** A body that will not be written is still consumed, so its buffers are released and the sender unblocked. */
    private static void drain(Publisher<ByteBuf> body) {
        Flux.from(body).subscribe(ReferenceCountUtil::safeRelease, e -> { });
    }

    /**
     * Per-write state. Writes are serialized by publishOn; {@link #abandon} may race with one write. The extent is
     * given, or allocated by the first write (or by {@link #finish} for an empty sector), on the I/O scheduler.
     */
    private static final class Sink {
        private final VolumeSet volumes;
        private final long length;
        private final CRC32C crc = new CRC32C();
        private Volume volume;
        private Extent extent;
        private long written;
        private boolean inFlight;
        private boolean abandoned;
        private boolean freed;

        Sink(VolumeSet volumes, long length, Extent extent) {
            this.volumes = volumes;
            this.length = length;
            if (extent != null) {
                this.extent = extent;
                this.volume = volumes.volume(extent.volumeIndex());
            }
        }

        void write(ByteBuf buf) {
            synchronized (this) {
                if (abandoned) {
                    buf.release();
                    return;
                }
                inFlight = true;
            }
            try {
                allocated();
                int n = buf.readableBytes();
                if (written + n > extent.length()) {
                    throw new ShardException(ShardException.Code.INVALID_ARGUMENT,
                            "body longer than the declared " + extent.length() + " bytes");
                }
                long pos = extent.offset() + written;
                if (buf.nioBufferCount() == 1) {
                    pos += put(buf.nioBuffer(), pos);
                } else {
                    for (ByteBuffer b : buf.nioBuffers()) {
                        pos += put(b, pos);
                    }
                }
                written += n;
            } finally {
                buf.release();
                endInFlight();
            }
        }

        /**
         * Ends a write (or finish) step; frees the extent if an {@link #abandon} came meanwhile, which left that to
         * us. Returns whether the write was abandoned.
         */
        private boolean endInFlight() {
            Extent toFree;
            boolean lost;
            synchronized (this) {
                inFlight = false;
                lost = abandoned;
                boolean doFree = abandoned && !freed && extent != null;
                freed |= doFree;
                toFree = doFree ? extent : null;
            }
            if (toFree != null) {
                volumes.free(toFree);
            }
            return lost;
        }

        /** Allocates the extent on first use; the caller is the one in-flight write (or finish). */
        private void allocated() {
            if (extent == null) {
                Extent e = volumes.allocate(length);
                synchronized (this) {
                    extent = e;
                }
                volume = volumes.volume(e.volumeIndex());
            }
        }

        private int put(ByteBuffer b, long pos) {
            crc.update(b.duplicate());
            return volume.write(b, pos);
        }

        WrittenSector finish() {
            synchronized (this) {
                if (abandoned) {
                    throw new ShardException(ShardException.Code.UNAVAILABLE, "sector write was abandoned");
                }
                inFlight = true;
            }
            boolean lost;
            try {
                allocated(); // an empty sector's extent, or a no-op
            } finally {
                lost = endInFlight(); // a cancel that came while allocating
            }
            if (lost) {
                throw new ShardException(ShardException.Code.UNAVAILABLE, "sector write was abandoned");
            }
            if (written != extent.length()) {
                throw new ShardException(ShardException.Code.INVALID_ARGUMENT,
                        "body ended after " + written + " of the declared " + extent.length() + " bytes");
            }
            return new WrittenSector(extent, (int) crc.getValue());
        }

        void abandon() {
            Extent toFree;
            synchronized (this) {
                abandoned = true;
                boolean doFree = !inFlight && !freed && extent != null;
                freed |= doFree;
                toFree = doFree ? extent : null;
            }
            if (toFree != null) {
                volumes.free(toFree);
            }
        }
    }
}
