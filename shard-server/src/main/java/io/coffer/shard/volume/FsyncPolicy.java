package io.coffer.shard.volume;

import java.util.Locale;

/**
 * When written volume bytes (and the LMDB environment) are made durable.
 *
 * <ul>
 *   <li>{@link #ALWAYS}: one fsync per commit, on the caller's I/O scheduler; simplest, ~5k commits/s here
 *       (LIMITS.md: fsync after a 4 KiB append p50 ≈ 170 µs).</li>
 *   <li>{@link #GROUP} (default): commits that arrive while an fsync is running are batched into the next
 *       one, so N concurrent small PUTs cost ~1 fsync per volume instead of N.</li>
 *   <li>{@link #NONE}: never fsync; for tests only, a crash loses acknowledged writes.</li>
 * </ul>
 */
public enum FsyncPolicy {
    ALWAYS, GROUP, NONE;

    /** Parses {@code always|group|none} (case-insensitive), as written in configuration. */
    public static FsyncPolicy parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("fsync policy is missing; expected always, group or none");
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "always":
                return ALWAYS;
            case "group":
                return GROUP;
            case "none":
                return NONE;
            default:
                throw new IllegalArgumentException("unknown fsync policy '" + value + "'; expected always, group or none");
        }
    }
}
