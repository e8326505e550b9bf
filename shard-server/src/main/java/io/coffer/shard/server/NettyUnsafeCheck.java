package io.coffer.shard.server;

import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;

/**
 * Tells the operator when Netty runs without {@code sun.misc.Unsafe}. From Java 25 Netty turns it off
 * unless the JVM is started with {@code --sun-misc-unsafe-memory-access=allow}; it then reads and writes
 * every direct buffer through {@code ByteBuffer} calls. Measured on Temurin 25 against JDK 17, same jar:
 * +50 % gateway CPU per 1 MiB GET, +24 % per HEAD; with the flag Temurin 25 was 6 % under JDK 17 per 1 MiB
 * GET and equal per HEAD (docs/benchmarks.md, "Session 12 probes"). Nothing breaks without it, so this only warns.
 */
public final class NettyUnsafeCheck {
    private NettyUnsafeCheck() {
    }

    /** Logs {@link #advice()} as a warning on {@code log}, if there is one (called once at start). */
    public static void warnIfMissing(Logger log) {
        String advice = advice();
        if (advice != null) {
            log.warn(advice);
        }
    }

    /** The warning to log, or null when Netty has Unsafe. */
    public static String advice() {
        return advice(PlatformDependent.hasUnsafe(), PlatformDependent.getUnsafeUnavailabilityCause());
    }

    static String advice(boolean hasUnsafe, Throwable cause) {
        if (hasUnsafe) {
            return null;
        }
        return "Netty runs without sun.misc.Unsafe (" + (cause == null ? "unavailable" : cause.getMessage())
                + "); large GETs cost about 1.5x the CPU. On Java 25 and later start the JVM with "
                + "--sun-misc-unsafe-memory-access=allow";
    }
}
