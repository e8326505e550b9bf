package io.coffer.crypto.segment;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams stored segments of one part back to plaintext, verifying every tag before emitting a byte of its
 * segment, and emits exactly the plaintext bytes of a {@link CiphertextRange}.
 *
 * <p>Errors: a tag that does not verify fails the stream with {@link IntegrityException.Kind#TAMPERED_SEGMENT};
 * input that ends before the range's last segment fails it with {@link IntegrityException.Kind#TRUNCATED}.
 * Bytes after the range are released and ignored. At most one stored segment is buffered; every input
 * buffer is released; emitted buffers belong to the subscriber.
 *
 * <p>Buffers, for the GET path's CPU per byte: a segment that lies whole inside an input buffer (heap or
 * direct; the shard's reads are cut at whole segments) is decrypted in place from it, and plaintext goes
 * into pooled <em>direct</em> buffers, which a socket writes without the copy the transport makes of a heap
 * buffer; the whole segments of one input (up to {@link #RUN_BYTES}) share one output buffer, so a 1 MiB
 * view of the shard's page cache is one buffer and one socket write downstream, not sixteen (a 1 MiB GET
 * costs a quarter less CPU than in 256 KiB pieces: docs/decisions/mapped-sector-reads.md). Only a segment
 * split across two inputs is copied into a (direct) staging buffer first. Each segment's tag is verified
 * before any byte of it is emitted.
 *
 * <p>Plaintext comes from {@link GcmOutputs} by default, a pool no input is taken from: JDK 17's GCM
 * decrypts through a heap copy when input and output might overlap, which buffers sliced from one pooled
 * chunk often look like.
 */
public final class SegmentDecryptor {
    /** Where plaintext buffers come from unless a caller passes an allocator ({@link GcmOutputs}). */
    public static final ByteBufAllocator PLAINTEXT = GcmOutputs.POOL;
    /** Most plaintext bytes decrypted into one output buffer (whole segments; at least one segment). */
    static final int RUN_BYTES = 1024 * 1024;

    private final SegmentLayout layout;
    private final ByteBufAllocator staging;
    private final ByteBufAllocator plaintext;

    /** Staging and plaintext buffers both from {@code allocator} (tests count what it hands out). */
    public SegmentDecryptor(SegmentLayout layout, ByteBufAllocator allocator) {
        this(layout, allocator, allocator);
    }

    /** Staging buffers from the default allocator, plaintext from {@link #PLAINTEXT}. */
    public SegmentDecryptor(SegmentLayout layout) {
        this(layout, ByteBufAllocator.DEFAULT, PLAINTEXT);
    }

    private SegmentDecryptor(SegmentLayout layout, ByteBufAllocator staging, ByteBufAllocator plaintext) {
        this.layout = layout;
        this.staging = staging;
        this.plaintext = plaintext;
    }

    public SegmentLayout layout() {
        return layout;
    }

    /**
     * @param ciphertext             stored bytes starting at {@code range.ciphertextOffset()}
     * @param plaintextLengthOfPart  the part's plaintext size from the verified manifest; it says which
     *                               segment is final
     * @param range                  from {@code layout().forPlaintextRange(..)} or {@code layout().whole(..)}
     */
    public Flux<ByteBuf> decrypt(Publisher<ByteBuf> ciphertext, DataKey key, byte[] contentId, int partNumber,
                                 long plaintextLengthOfPart, CiphertextRange range) {
        SegmentCipher cipher = new SegmentCipher(key, contentId, partNumber);
        return decrypt(ciphertext, cipher, plaintextLengthOfPart, range);
    }

    /** As {@link #decrypt(Publisher, DataKey, byte[], int, long, CiphertextRange)} with a prepared cipher. */
    public Flux<ByteBuf> decrypt(Publisher<ByteBuf> ciphertext, SegmentCipher cipher, long plaintextLengthOfPart,
                                 CiphertextRange range) {
        long count = layout.segmentCountLong(plaintextLengthOfPart);
        if (range.lastSegment() >= count
                || range.ciphertextOffset() != layout.ciphertextOffset(range.firstSegment())) {
            return Flux.error(new IllegalArgumentException("range does not fit a part of "
                    + plaintextLengthOfPart + " bytes"));
        }
        return DiscardedBuffers.released(Flux.defer(() -> {
            Opener o = new Opener(cipher, plaintextLengthOfPart, range);
            return Flux.from(ciphertext)
                    .concatMapIterable(o::accept, 1)
                    .concatWith(Mono.fromRunnable(o::finish))
                    .doFinally(sig -> o.close());
        }));
    }

    /** Per-subscription state; the lock orders a cancel (close) against a concurrent accept. */
    private final class Opener {
        private final SegmentCipher cipher;
        private final long partLength;
        private final long lastSegmentOfPart;
        private final long lastSegment;
        private final OwnedQueue out = new OwnedQueue(this);
        private ByteBuf pending;
        private long index;
        private int skip;
        private long keep;
        private boolean closed;

        Opener(SegmentCipher cipher, long partLength, CiphertextRange range) {
            this.cipher = cipher;
            this.partLength = partLength;
            this.lastSegmentOfPart = layout.segmentCountLong(partLength) - 1;
            this.lastSegment = range.lastSegment();
            this.index = range.firstSegment();
            this.skip = range.skipBytes();
            this.keep = range.plaintextLength();
        }

        synchronized Iterable<ByteBuf> accept(ByteBuf in) {
            boolean consumed = false;
            try {
                if (closed) {
                    consumed = true;
                    return out;
                }
                while (in.isReadable() && index <= lastSegment) {
                    int stored = storedLength(index);
                    int held = pending == null ? 0 : pending.readableBytes();
                    if (held == 0 && in.readableBytes() >= stored) {
                        // whole segments inside the input (heap or direct): decrypt from there, no copy
                        in.skipBytes(openRun(in, in.readerIndex(), in.readableBytes()));
                        continue;
                    }
                    if (pending == null) {
                        pending = staging.directBuffer(layout.storedSegmentSize(), layout.storedSegmentSize());
                    }
                    pending.writeBytes(in, Math.min(stored - held, in.readableBytes()));
                    if (pending.readableBytes() == stored) {
                        openRun(pending, pending.readerIndex(), stored);
                        pending.clear();
                    }
                }
                consumed = true;
                return out;
            } catch (RuntimeException e) {
                out.releaseAll();
                throw e;
            } catch (InternalError e) {
                // input mapped from a file that shrank under it (the shard's cached reads are views of the mapped
                // page cache): the JVM turns the SIGBUS into this error, which Reactor would treat as fatal and
                // never deliver, leaving the GET hanging. The stored bytes are gone: an integrity failure.
                out.releaseAll();
                throw new IntegrityException(IntegrityException.Kind.TAMPERED_SEGMENT,
                        "stored segment " + index + " unreadable: " + e.getMessage(), e);
            } finally {
                // when this throws, Reactor discards the input itself (our discard hook releases it)
                if (consumed) {
                    in.release();
                }
            }
        }

        synchronized void finish() {
            if (!closed && index <= lastSegment) {
                throw new IntegrityException(IntegrityException.Kind.TRUNCATED, "stored part ended in segment "
                        + index + " of " + (lastSegment + 1) + " (part " + cipher.partNumber() + ")");
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

        private int storedLength(long i) {
            return layout.plaintextSegmentLength(partLength, i) + SegmentLayout.TAG_LENGTH;
        }

        /**
         * Decrypts the whole stored segments that lie in {@code [from, from + available)} of {@code src}
         * (at least one; not advanced), at most {@link #RUN_BYTES} of plaintext, into one plaintext buffer.
         * One buffer per run rather than per segment: a 1 MiB sector read becomes one buffer, one
         * signal through the response chain and one socket write instead of sixteen.
         *
         * @return stored bytes consumed
         */
        private int openRun(ByteBuf src, int from, int available) {
            int segments = 0;
            int storedBytes = 0;
            int plainBytes = 0;
            for (long i = index; i <= lastSegment; i++) {
                int stored = storedLength(i);
                if (storedBytes + stored > available
                        || segments > 0 && plainBytes + stored - SegmentLayout.TAG_LENGTH > RUN_BYTES) {
                    break;
                }
                segments++;
                storedBytes += stored;
                plainBytes += stored - SegmentLayout.TAG_LENGTH;
            }
            // direct: the socket takes it as it is (a heap buffer is copied to direct memory before a write)
            ByteBuf plain = plaintext.directBuffer(plainBytes);
            try {
                int in = from;
                int written = 0;
                for (int k = 0; k < segments; k++) {
                    int stored = storedLength(index);
                    // every segment's tag is checked here, before any byte of the run is emitted
                    written += cipher.decryptSegment(index, index == lastSegmentOfPart, src.nioBuffer(in, stored),
                            plain.nioBuffer(written, stored - SegmentLayout.TAG_LENGTH));
                    in += stored;
                    index++;
                }
                int start = skip;
                int end = (int) Math.min(written, start + keep);
                skip = 0;
                keep -= Math.max(0, end - start);
                if (end > start) {
                    plain.writerIndex(end).readerIndex(start);
                    out.add(plain);
                } else {
                    plain.release();
                }
                return storedBytes;
            } catch (RuntimeException | InternalError e) {
                plain.release();
                throw e;
            }
        }
    }
}
