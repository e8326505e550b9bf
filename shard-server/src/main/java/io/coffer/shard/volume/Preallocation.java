package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Real block reservation with Linux {@code fallocate(2)}, called through jnr-ffi (already on the class path for
 * lmdbjava). Java can only size a file, which leaves it sparse: blocks are allocated on first write, so a disk
 * can fill up under a volume that looked preallocated. {@code fallocate} with mode 0 reserves the blocks (as
 * unwritten extents, no zeroes written) and fails with ENOSPC up front.
 *
 * <p>The glibc {@code fallocate} wrapper fails with EOPNOTSUPP where the file system cannot do it, unlike
 * {@code posix_fallocate}, which would silently write zeroes over a whole gigabyte; then, and on non-Linux
 * systems, callers fall back to a sparse file.
 */
final class Preallocation {
    private static final Logger LOG = LoggerFactory.getLogger(Preallocation.class);
    private static final int O_RDWR = 2;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;

    /** The libc functions used; names and signatures as in glibc on x86_64/aarch64 (off_t is 64-bit). */
    public interface LibC {
        int open(String path, int flags);

        int fallocate(int fd, int mode, long offset, long length);

        int close(int fd);
    }

    private static final LibC LIBC = NativeCalls.libc(LibC.class, "volumes will be sparse files");

    private Preallocation() {
    }

    /**
     * Reserves blocks for {@code [offset, offset + length)} of {@code file}, extending its size if needed.
     *
     * @return false if the platform or file system cannot reserve (the caller then sizes the file sparsely)
     * @throws ShardException NO_SPACE when the disk cannot hold the range
     */
    static boolean reserve(Path file, long offset, long length) {
        if (LIBC == null) {
            return false;
        }
        int fd = LIBC.open(file.toString(), O_RDWR);
        if (fd < 0) {
            LOG.warn("fallocate: cannot open {} (errno {}); volume stays sparse", file, errno());
            return false;
        }
        try {
            if (LIBC.fallocate(fd, 0, offset, length) == 0) {
                return true;
            }
            int err = errno();
            if (err == ENOSPC || err == EDQUOT) {
                throw new ShardException(ShardException.Code.NO_SPACE,
                        "no space to reserve " + length + " bytes for " + file.getFileName());
            }
            LOG.info("fallocate unsupported for {} (errno {}); volume stays sparse", file, err);
            return false;
        } finally {
            LIBC.close(fd);
        }
    }

    /** Whether {@code fallocate} is callable here at all. */
    static boolean available() {
        return LIBC != null;
    }

    private static int errno() {
        return NativeCalls.errno(LIBC);
    }
}
