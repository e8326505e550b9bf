package io.coffer.shard.volume;

import java.nio.file.Path;

/**
 * posix_fadvise(POSIX_FADV_DONTNEED) through jnr-ffi, to make a range of a file uncached, so that a test
 * reads it from the disk (on the store's scheduler) rather than from the page cache (on the caller).
 * Only clean pages are dropped (force the file first), and pages still parked in another CPU's LRU batch
 * may survive a drop: tests that need a miss retry or check that one happened.
 */
public final class PageCacheDrop {
    public interface LibC {
        int open(String path, int flags);

        int posix_fadvise(int fd, long offset, long length, int advice);

        int close(int fd);
    }

    private PageCacheDrop() {
    }

    /** True if the kernel took the advice (false where jnr-ffi or libc is unavailable). */
    public static boolean drop(Path file, long offset, long length) {
        try {
            LibC c = jnr.ffi.LibraryLoader.create(LibC.class).load("c");
            int fd = c.open(file.toString(), 0);
            if (fd < 0) {
                return false;
            }
            try {
                return c.posix_fadvise(fd, offset, length, 4) == 0;
            } finally {
                c.close(fd);
            }
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
