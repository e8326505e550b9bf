package io.coffer.crypto.segment;

import io.coffer.crypto.key.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams a part's plaintext into its stored form, segment by segment (see {@link SegmentCipher}).
 *
 * <p>The plaintext length need not be known in advance: a full segment is held back until the next byte or
 * the end of the stream shows whether it is the final one. At most one segment of plaintext is buffered.
 * Every input buffer is released; each emitted buffer holds exactly one stored segment (ciphertext + tag)
 * and belongs to the subscriber. On error or cancel, everything not yet emitted is released.
 *
 * <p>Reactor Netty releases a request body's buffers after {@code onNext}; pass {@code receive().retain()}.
 *
 * <p>Buffers it allocates are heap buffers from the given allocator: the JDK 17 GCM runs about twice as fast
 * on arrays as on direct buffers here (docs/decisions/0002-crypto.md), far more than the copy into a direct
 * buffer costs when the bytes go to a socket or file. Direct input is copied into the segment buffer.
 */
public final class SegmentEncryptor {
    private final SegmentLayout layout;
    private final ByteBufAllocator allocator;
    private final ByteBufAllocator sealed;

    /** Staging and sealed buffers both from {@code allocator} (tests count what it hands out). */
    public SegmentEncryptor(SegmentLayout layout, ByteBufAllocator allocator) {
        this(layout, allocator, allocator);
    }

    /**
     * Staging buffers and sealed segments on recycled arrays of their own ({@link SegmentArrays}): a staged
     * segment and its output in one pooled chunk array would make JDK 17's GCM encrypt through a fresh copy,
     * and the default allocator's heap chunks are humongous objects to G1.
     */
    public SegmentEncryptor(SegmentLayout layout) {
        this(layout, SegmentArrays.forLayout(layout));
    }

    private SegmentEncryptor(SegmentLayout layout, SegmentArrays arrays) {
        this(layout, arrays, arrays);
    }

    private SegmentEncryptor(SegmentLayout layout, ByteBufAllocator allocator, ByteBufAllocator sealed) {
        this.layout = layout;
        this.allocator = allocator;
        this.sealed = sealed;
    }

    public SegmentLayout layout() {
        return layout;
    }

    /**
     * @param contentId  16 random bytes, unique per upload (and per UploadPart attempt), stored in the manifest
     * @param partNumber 1 for single-part objects
     */
    public Flux<ByteBuf> encrypt(Publisher<ByteBuf> plaintext, DataKey key, byte[] contentId, int partNumber) {
        SegmentCipher cipher = new SegmentCipher(key, contentId, partNumber);
        return encrypt(plaintext, cipher);
    }

    /** As {@link #encrypt(Publisher, DataKey, byte[], int)} with a prepared cipher. */
    public Flux<ByteBuf> encrypt(Publisher<ByteBuf> plaintext, SegmentCipher cipher) {
        return DiscardedBuffers.released(Flux.defer(() -> {
            Sealer s = new Sealer(cipher);
            return Flux.from(plaintext)
                    .concatMapIterable(s::accept, 1)
                    .concatWith(Mono.fromCallable(s::finish))
                    .doFinally(sig -> s.close());
        }));
    }

    /** Per-subscription state; the lock orders a cancel (close) against a concurrent accept. */
    private final class Sealer {
        private final SegmentCipher cipher;
        private final int segmentSize = layout.segmentSize();
        private final OwnedQueue out = new OwnedQueue(this);
        private ByteBuf pending;
        private long index;
        private boolean closed;

        Sealer(SegmentCipher cipher) {
            this.cipher = cipher;
        }

        synchronized Iterable<ByteBuf> accept(ByteBuf in) {
            boolean consumed = false;
            try {
                if (closed) {
                    consumed = true;
                    return out;
                }
                while (in.isReadable()) {
                    int held = pending == null ? 0 : pending.readableBytes();
                    if (held == segmentSize) {
                        // more bytes follow, so the held segment is not the final one
                        out.add(seal(pending, false));
                        pending.clear();
                        held = 0;
                    }
                    if (held == 0 && in.readableBytes() > segmentSize && in.hasArray()) {
                        // a whole non-final segment inside a heap input: encrypt it from there, no copy
                        out.add(seal(in.slice(in.readerIndex(), segmentSize), false));
                        in.skipBytes(segmentSize);
                        continue;
                    }
                    if (pending == null) {
                        pending = allocator.heapBuffer(segmentSize);
                    }
                    pending.writeBytes(in, Math.min(segmentSize - held, in.readableBytes()));
                }
                consumed = true;
                return out;
            } catch (RuntimeException e) {
                out.releaseAll();
                throw e;
            } finally {
                // when this throws, Reactor discards the input itself (our discard hook releases it)
                if (consumed) {
                    in.release();
                }
            }
        }

        synchronized ByteBuf finish() {
            if (closed) {
                return null;
            }
            ByteBuf last = pending == null ? allocator.heapBuffer(0, 0) : pending;
            try {
                return seal(last, true);
            } finally {
                if (pending == null) {
                    last.release();
                }
            }
        }

        synchronized void close() {
            closed = true;
            out.releaseAll();
            if (pending != null) {
                pending.release();
                pending = null;
            }
        }

        private ByteBuf seal(ByteBuf plain, boolean last) {
            int n = plain.readableBytes();
            ByteBuf o = sealed.heapBuffer(n + SegmentLayout.TAG_LENGTH);
            try {
                int w = cipher.encryptSegment(index, last, plain.nioBuffer(plain.readerIndex(), n),
                        o.nioBuffer(0, n + SegmentLayout.TAG_LENGTH));
                o.writerIndex(w);
                index++;
                return o;
            } catch (RuntimeException e) {
                o.release();
                throw e;
            }
        }
    }
}
