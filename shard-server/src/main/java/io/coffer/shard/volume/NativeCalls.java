package io.coffer.shard.volume;

import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Binds libc functions through jnr-ffi (on the class path already for lmdbjava) for the few Linux calls Java does
 * not offer: {@code fallocate} ({@link Preallocation}), {@code preadv2} ({@link CachedReads}) and {@code mincore}
 * ({@link MappedReads}). Each caller binds its own interface, so a libc that lacks one function does not cost
 * the others.
 */
final class NativeCalls {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCalls.class);

    private NativeCalls() {
    }

    /** libc bound to {@code calls}, or null off Linux or when binding fails (the caller then does without). */
    static <T> T libc(Class<T> calls, String without) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            return LibraryLoader.create(calls).load("c");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot bind libc for {}; {}", calls.getSimpleName(), without, e);
            return null;
        }
    }

    /** errno of the calling thread's last call through {@code lib}. */
    static int errno(Object lib) {
        return jnr.ffi.Runtime.getRuntime(lib).getLastError();
    }
}
