package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.atomic.LongAdder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads sector bytes: as a demand-driven stream of direct buffers (views of the mapped page cache, or pooled
 * copies), or as a zero-copy {@link FileRegion}
 * for sendfile when no transformation (TLS, compression) sits between the file and the socket.
 */
public final class SectorReader {
    /**
     * Chunk size of buffered reads: large enough for few syscalls, small enough to bound memory per read.
     * Four stored segments of the gateway's default layout (64 KiB of plaintext + a 16-byte GCM tag), not
     * 256 KiB: sectors are cut at whole segments, so a read from a segment boundary then hands the
     * decryptor whole segments in every chunk, which it decrypts in place. With 256 KiB chunks one segment
     * in four straddled two chunks and was copied into a staging buffer first.
     */
    public static final int DEFAULT_CHUNK = 4 * (64 * 1024 + 16);
    /** Chunks one view of the mapped page cache may span (views hold no memory of their own). */
    static final int VIEW_CHUNKS = 4;
    /** Chunks read ahead of the consumer; at most this many chunk buffers are alive per read. */
    static final int READ_AHEAD = 4;

    private final VolumeSet volumes;
    private final Scheduler io;
    private final int chunk;
    private final LongAdder cachedReads = new LongAdder();
    private final LongAdder mappedReads = new LongAdder();

    public SectorReader(VolumeSet volumes, Scheduler io) {
        this(volumes, io, DEFAULT_CHUNK);
    }

    public SectorReader(VolumeSet volumes, Scheduler io, int chunk) {
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk must be > 0: " + chunk);
        }
        this.volumes = volumes;
        this.io = io;
        this.chunk = chunk;
    }

    /**
     * Streams bytes {@code [offset, offset + length)} of the sector. Reads run on the I/O scheduler, one chunk
     * per unit of demand (at most {@link #READ_AHEAD} chunks in flight); every emitted buffer belongs to the
     * subscriber, and buffers dropped by cancellation are released here. Chunks whose bytes are all in the page
     * cache are read on the subscribing thread instead, without waiting for the disk: as read-only views of the
     * mapped page cache ({@link Volume#sliceIfCached}), else copied ({@link Volume#readIfCached}). A GET of cached
     * bytes then costs no thread hand-off, and a large one no copy before it is decrypted.
     *
     * @return an error {@code ShardException(INVALID_ARGUMENT)} if the range is outside the sector
     */
    public Flux<ByteBuf> read(Extent extent, long offset, long length, ByteBufAllocator alloc) {
        try {
            checkRange(extent, offset, length);
        } catch (ShardException e) {
            return Flux.error(e);
        }
        if (length == 0) {
            return Flux.empty();
        }
        long start = extent.offset() + offset;
        long end = start + length;
        return DiscardedBuffers.released(cachedThenScheduled(extent, start, end, alloc));
    }

    /**
     * Chunk by chunk from the page cache, each read on the thread that takes the previous chunk's completion
     * (the subscriber's), for as long as every chunk is cached; from the first chunk that is not, the rest is
     * read on the scheduler. A chunk is read when the previous one completes, so at most one chunk is read ahead.
     */
    private Flux<ByteBuf> cachedThenScheduled(Extent extent, long pos, long end, ByteBufAllocator alloc) {
        return Flux.defer(() -> {
            // a view costs no memory, so it may span several chunks: fewer signals and socket writes per byte
            int n = (int) Math.min(VIEW_CHUNKS * (long) chunk, end - pos);
            ByteBuf cached = viewIfCached(extent, pos, n);
            if (cached == null) {
                n = (int) Math.min(chunk, end - pos);
                cached = readIfCached(extent, pos, n, alloc);
            }
            if (cached == null) {
                return scheduled(extent, pos, end, alloc);
            }
            long next = pos + n;
            return next == end ? Flux.just(cached)
                    : Flux.just(cached).concatWith(cachedThenScheduled(extent, next, end, alloc));
        });
    }

    /** A read-only view of the mapped page cache over the bytes, if it holds them all; null otherwise. */
    private ByteBuf viewIfCached(Extent extent, long start, int n) {
        try {
            ByteBuffer mapped = volumes.volume(extent.volumeIndex()).sliceIfCached(start, n);
            if (mapped == null) {
                return null;
            }
            // the page cache itself: the reader (a GET's decryptor) reads it once, so a copy into a buffer of
            // our own would only cost CPU (see MappedReads)
            cachedReads.increment();
            mappedReads.increment();
            return Unpooled.wrappedBuffer(mapped);
        } catch (RuntimeException e) {
            return null; // the scheduled read reports whatever is wrong with this range
        }
    }

    /** A copy of the bytes, if the page cache holds them all (no disk wait); null otherwise. */
    private ByteBuf readIfCached(Extent extent, long start, int n, ByteBufAllocator alloc) {
        Volume volume;
        try {
            volume = volumes.volume(extent.volumeIndex());
        } catch (RuntimeException e) {
            return null; // the scheduled read reports it
        }
        ByteBuf buf = alloc.directBuffer(n, n);
        try {
            long address = buf.hasMemoryAddress() ? buf.memoryAddress() + buf.writerIndex()
                    : PlatformDependent.hasUnsafe() ? PlatformDependent.directBufferAddress(buf.nioBuffer(buf.writerIndex(), n))
                    : 0;
            if (address != 0 && volume.readIfCached(address, n, start)) {
                buf.writerIndex(buf.writerIndex() + n);
                cachedReads.increment();
                return buf;
            }
        } catch (RuntimeException e) {
            // the scheduled read reports whatever is wrong with this range
        }
        buf.release();
        return null;
    }

    /** Chunks read from the page cache on the caller's thread (tests and stats). */
    public long cachedReads() {
        return cachedReads.sum();
    }

    /** Of {@link #cachedReads()}, those answered with a view of the mapped page cache instead of a copy. */
    public long mappedReads() {
        return mappedReads.sum();
    }

    /** Reads chunk by chunk on the I/O scheduler. */
    private Flux<ByteBuf> scheduled(Extent extent, long start, long end, ByteBufAllocator alloc) {
        return Flux.defer(() -> {
                    FileChannel ch = volumes.volume(extent.volumeIndex()).channel();
                    return Flux.<ByteBuf, long[]>generate(() -> new long[] {start}, (pos, sink) -> {
                        int n = (int) Math.min(chunk, end - pos[0]);
                        ByteBuf buf = alloc.directBuffer(n, n);
                        try {
                            readFully(ch, buf, pos[0], n);
                        } catch (IOException | RuntimeException e) {
                            buf.release();
                            sink.error(e instanceof ShardException ? e : new ShardException(
                                    ShardException.Code.INTERNAL, "read volume " + extent.volumeIndex() + " at " + pos[0], e));
                            return pos;
                        }
                        pos[0] += n;
                        sink.next(buf);
                        if (pos[0] == end) {
                            sink.complete();
                        }
                        return pos;
                    });
                })
                .subscribeOn(io)
                .limitRate(READ_AHEAD);
    }

    /**
     * A zero-copy region over bytes {@code [offset, offset + length)} of the sector, for
     * {@code NettyOutbound.sendObject(region)} or {@code channel.writeAndFlush(region)}. The region is a
     * {@link DefaultFileRegion} over the volume's shared channel; releasing it does not close the channel.
     *
     * @throws ShardException INVALID_ARGUMENT if the range is outside the sector
     */
    public FileRegion region(Extent extent, long offset, long length) {
        checkRange(extent, offset, length);
        Volume v = volumes.volume(extent.volumeIndex());
        return new VolumeFileRegion(v.channel(), extent.offset() + offset, length);
    }

    /** CRC32C of a whole sector, read in chunks; blocking, for scrubs on the I/O scheduler. */
    public int crc32c(Extent extent) {
        Volume v = volumes.volume(extent.volumeIndex());
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunk, Math.max(1, extent.length())));
        long pos = extent.offset();
        long end = extent.end();
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            v.read(buf, pos);
            buf.flip();
            pos += buf.remaining();
            crc.update(buf);
        }
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuf buf, long pos, int n) throws IOException {
        int done = 0;
        while (done < n) {
            int r = buf.writeBytes(ch, pos + done, n - done);
            if (r < 0) {
                throw new ShardException(ShardException.Code.INTERNAL, "volume ends at " + (pos + done) + " inside a sector");
            }
            done += r;
        }
    }

    private static void checkRange(Extent extent, long offset, long length) {
        if (offset < 0 || length < 0 || offset > extent.length() || length > extent.length() - offset) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT,
                    "range " + offset + "+" + length + " is outside the sector of " + extent.length() + " bytes");
        }
    }
}
