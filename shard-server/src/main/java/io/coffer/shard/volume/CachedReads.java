package io.coffer.shard.volume;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads that never wait for the disk: Linux {@code preadv2(2)} with {@code RWF_NOWAIT} (kernel 4.14+,
 * glibc 2.26+), called through jnr-ffi as {@link Preallocation} calls {@code fallocate}. It copies the bytes
 * when every one of them is in the page cache and fails with {@code EAGAIN} instead of starting disk I/O.
 *
 * <p>Why: a small GET's sector read is a few microseconds of copying from the page cache, while handing it to
 * the I/O scheduler and back costs two thread wake-ups, several times more CPU than the read (on this
 * project's virtual machines a context switch is among the largest costs of a 4 KiB GET). With this, the
 * calling thread (a Netty event loop included) reads bytes that are cached, and only reads that would block go
 * to the scheduler, so the rule "no disk waits on an event loop" still holds.
 *
 * <p>Each volume opens its own read-only descriptor ({@link Fd}); Java's {@code FileChannel} exposes none.
 * Where the call is unavailable (not Linux, an old kernel or libc, a file system that refuses
 * {@code RWF_NOWAIT}) every read reports a miss and the caller takes the scheduler path, as before.
 */
final class CachedReads {
    private static final Logger LOG = LoggerFactory.getLogger(CachedReads.class);
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int RWF_NOWAIT = 0x8;
    private static final int EAGAIN = 11;

    /** The libc functions used; names and signatures as in glibc on x86_64/aarch64 (off_t is 64-bit). */
    public interface LibC {
        int open(String path, int flags);

        long preadv2(int fd, Pointer iov, int iovcnt, long offset, int flags);

        int close(int fd);
    }

    private static final LibC LIBC = NativeCalls.libc(LibC.class, "sector reads go through the I/O scheduler");
    /** Cleared on the first error that says the call cannot work here at all (not EAGAIN). */
    private static volatile boolean enabled = LIBC != null;
    /** One {@code struct iovec} (base, length) per thread, in native memory. */
    private static final ThreadLocal<Pointer> IOVEC = ThreadLocal.withInitial(
            () -> Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(LIBC), 16));

    private CachedReads() {
    }

    static boolean available() {
        return enabled;
    }

    /** A read-only descriptor of {@code file} for cached reads, or null where they are unavailable. */
    static Fd open(Path file) {
        if (!enabled) {
            return null;
        }
        int fd = LIBC.open(file.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            LOG.warn("cannot open {} for cached reads (errno {}); its reads go through the I/O scheduler", file,
                    errno());
            return null;
        }
        return new Fd(fd);
    }

    /**
     * A descriptor that readers pin while they use it, so that closing the volume never closes it under a
     * read in flight (and a reused descriptor number never receives a late read): the last one out closes it.
     */
    static final class Fd implements AutoCloseable {
        private static final int CLOSED = 1 << 30;
        private final int fd;
        /** Readers in flight, plus {@link #CLOSED} once close was called. */
        private final AtomicInteger state = new AtomicInteger();

        private Fd(int fd) {
            this.fd = fd;
        }

        /**
         * Copies {@code length} bytes from {@code position} to native memory at {@code address} if all of them are
         * in the page cache. Returns false (the memory then holds nothing useful) on a miss, a short read, an
         * error, or after close; never waits for the disk.
         */
        boolean read(long address, int length, long position) {
            if (!enabled || length <= 0) {
                return false;
            }
            int s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    return false;
                }
            } while (!state.compareAndSet(s, s + 1));
            try {
                Pointer iov = IOVEC.get();
                iov.putLong(0, address);
                iov.putLong(8, length);
                long n = LIBC.preadv2(fd, iov, 1, position, RWF_NOWAIT);
                if (n == length) {
                    return true;
                }
                if (n < 0) {
                    int err = errno();
                    if (err != EAGAIN) {
                        // EOPNOTSUPP, ENOSYS, EINVAL: this kernel or file system cannot; stop asking
                        enabled = false;
                        LOG.info("preadv2(RWF_NOWAIT) unavailable here (errno {}); reads go through the I/O"
                                + " scheduler", err);
                    }
                }
                return false; // a miss, or only part cached: the scheduler path reads it all
            } finally {
                if (state.decrementAndGet() == CLOSED) {
                    closeNow();
                }
            }
        }

        @Override
        public void close() {
            int s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    return;
                }
            } while (!state.compareAndSet(s, s | CLOSED));
            if (s == 0) {
                closeNow();
            }
        }

        private void closeNow() {
            LIBC.close(fd);
        }
    }

    private static int errno() {
        return NativeCalls.errno(LIBC);
    }
}
