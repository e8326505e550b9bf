package io.coffer.shard.volume;

import io.netty.util.internal.PlatformDependent;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Cached sector bytes read where they lie: a volume's file mapped read-only in windows of {@link #WINDOW}
 * bytes, and a read of bytes that are all in the page cache ({@code mincore(2)}) answered with a read-only
 * slice of the mapping instead of a copy.
 *
 * <p>Why: a large GET's sector bytes are decrypted once into a buffer of their own anyway, so the copy that
 * {@code preadv2} ({@link CachedReads}) makes from the page cache into user memory is pure overhead: in a
 * profile of 1 MiB GETs it was 13 % of the event loops' CPU ({@code _copy_to_iter}), 17 % with the call
 * around it. Decrypting straight from the mapped page cache saves that copy.
 *
 * <p>The rule "no disk waits on an event loop" holds as it does for {@link CachedReads}: a slice is returned
 * only when {@code mincore} reports every page of it in the page cache, so touching it costs at most a minor
 * fault. The one gap: a page evicted between the check and the decryptor's read is read from the disk on the
 * caller's thread; under that much memory pressure {@code preadv2} would miss anyway.
 *
 * <p>Mappings are never unmapped by hand: a slice keeps its window's mapping alive, so a slice still in use
 * after {@link #close()} (a GET that outlives its volume) stays valid, and the JDK unmaps a window once the
 * collector finds no slice of it left. The file is never truncated while open; a window is mapped only inside
 * the file's capacity when it is first used, and mapped again, larger, when a read needs bytes the volume
 * gained past it ({@link Volume#extend}); the old mapping goes when its last slice does.
 *
 * <p>Linux reports true page-cache residency only for files the caller may write (for others {@code mincore}
 * answers "all resident", to close a side channel); a volume's channel is always opened for writing, so the
 * answer here is the real one. Where {@code mincore} is unavailable (not Linux, no libc binding) every call
 * answers null and reads copy as before; {@code -Dcoffer.volume.copy-reads=true} turns mapped reads off.
 */
final class MappedReads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MappedReads.class);
    /** Bytes per mapping by default; a power of two, so a window starts page-aligned. */
    static final long WINDOW = 1L << 30;
    private static final int PAGE = 4096;
    /** Longest read answered with a slice: the residency vector of a read is one byte per page. */
    static final int MAX_LENGTH = 4 << 20;
    private static final int MAX_PAGES = MAX_LENGTH / PAGE + 1;

    /** The libc function used; signature as in glibc on x86_64/aarch64. */
    public interface LibC {
        int mincore(long addr, long length, Pointer vec);
    }

    private static final LibC LIBC = NativeCalls.libc(LibC.class, "sector reads copy from the page cache");
    /** Cleared on the first {@code mincore} error of any kind: reads copy from then on. */
    private static volatile boolean enabled = LIBC != null && PlatformDependent.hasUnsafe()
            && !Boolean.getBoolean("coffer.volume.copy-reads");
    /** One residency vector per thread, in native memory. */
    private static final ThreadLocal<Pointer> VEC = ThreadLocal.withInitial(
            () -> Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(LIBC), MAX_PAGES));
    private static final ThreadLocal<byte[]> RESIDENT = ThreadLocal.withInitial(() -> new byte[MAX_PAGES]);

    private final FileChannel channel;
    private final long window;
    private final Object lock = new Object();
    /** Window k maps file bytes {@code [k * window, k * window + windows[k].capacity())}; null until first used. */
    private volatile MappedByteBuffer[] windows = new MappedByteBuffer[0];
    private volatile boolean closed;

    MappedReads(FileChannel channel) {
        this(channel, WINDOW);
    }

    /** With windows of {@code window} bytes (a multiple of the page size; tests use small ones). */
    MappedReads(FileChannel channel, long window) {
        if (window <= 0 || window % PAGE != 0 || window > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window must be a positive multiple of " + PAGE + ": " + window);
        }
        this.channel = channel;
        this.window = window;
    }

    static boolean available() {
        return enabled;
    }

    /**
     * A read-only buffer over file bytes {@code [position, position + length)} if the page cache holds all of
     * them; null on a miss, a read across two windows or past a window's end, after close, or where mapped
     * reads are unavailable. Never waits for the disk.
     *
     * @param capacity the volume's current capacity (a window never maps past it)
     */
    ByteBuffer sliceIfCached(long position, int length, long capacity) {
        if (!enabled || closed || length <= 0 || length > MAX_LENGTH) {
            return null;
        }
        int k = (int) (position / window);
        long windowStart = k * window;
        if (position + length > windowStart + window) {
            return null;
        }
        long need = position + length - windowStart;
        MappedByteBuffer w = window(k, need, capacity);
        if (w == null) {
            return null;
        }
        int at = (int) (position - windowStart);
        long address = PlatformDependent.directBufferAddress(w) + at;
        if (!resident(address, length)) {
            return null;
        }
        return w.slice(at, length); // read-only, as the mapping is
    }

    /**
     * Window {@code k}, mapped over at least its first {@code need} bytes: mapped on first use, and mapped again
     * (larger) when the volume grew past a partial last window; null if {@code need} lies past the capacity.
     */
    private MappedByteBuffer window(int k, long need, long capacity) {
        MappedByteBuffer[] ws = windows;
        if (k < ws.length && ws[k] != null && ws[k].capacity() >= need) {
            return ws[k];
        }
        synchronized (lock) {
            ws = windows;
            if (k < ws.length && ws[k] != null && ws[k].capacity() >= need) {
                return ws[k];
            }
            if (closed) {
                return null;
            }
            long start = k * window;
            long size = Math.min(window, capacity - start);
            if (size < need) {
                return null;
            }
            MappedByteBuffer w;
            try {
                w = channel.map(FileChannel.MapMode.READ_ONLY, start, size);
            } catch (IOException | RuntimeException e) {
                LOG.info("cannot map volume bytes at {} ({}); their reads copy", start, e.toString());
                return null;
            }
            MappedByteBuffer[] grown = Arrays.copyOf(ws, Math.max(ws.length, k + 1));
            grown[k] = w;
            windows = grown;
            return w;
        }
    }

    /** Whether every page of {@code [address, address + length)} is in the page cache. */
    private static boolean resident(long address, int length) {
        long first = address & -PAGE;
        long end = address + length;
        int pages = (int) ((end - first + PAGE - 1) / PAGE);
        Pointer vec = VEC.get();
        if (LIBC.mincore(first, end - first, vec) != 0) {
            int err = NativeCalls.errno(LIBC);
            LOG.info("mincore unavailable here (errno {}); sector reads copy from the page cache", err);
            enabled = false;
            return false;
        }
        byte[] r = RESIDENT.get();
        vec.get(0, r, 0, pages);
        for (int i = 0; i < pages; i++) {
            if ((r[i] & 1) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Drops the windows; slices handed out stay valid until the collector frees them. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            windows = new MappedByteBuffer[0];
        }
    }
}
