package io.coffer.shard.volume;

/**
 * Sizing and durability of a shard's volume set.
 *
 * @param initialVolumeSize capacity of the first volume created in an empty data directory
 * @param growStep          bytes added when allocation fails: the last volume is extended by this much while
 *                          it stays under {@code maxVolumeSize}, otherwise a new volume of this size is added
 * @param maxVolumeSize     upper bound on one volume file
 * @param maxTotalSize      upper bound on the sum of all volume capacities; past it allocation fails with
 *                          {@code NO_SPACE}
 * @param reserveDiskBytes  free disk space that creating or growing a volume must leave untouched, so LMDB and
 *                          the OS still have room when the volumes are full
 * @param fsyncPolicy       durability policy used by {@link GroupCommitter}
 */
public record VolumeConfig(long initialVolumeSize, long growStep, long maxVolumeSize, long maxTotalSize,
                           long reserveDiskBytes, FsyncPolicy fsyncPolicy) {
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;

    public VolumeConfig {
        if (initialVolumeSize <= Volume.DATA_START) {
            throw new IllegalArgumentException("initial volume size must exceed the header: " + initialVolumeSize);
        }
        if (growStep <= 0) {
            throw new IllegalArgumentException("grow step must be > 0: " + growStep);
        }
        if (maxVolumeSize < initialVolumeSize) {
            throw new IllegalArgumentException("max volume size " + maxVolumeSize + " < initial " + initialVolumeSize);
        }
        if (maxTotalSize < initialVolumeSize) {
            throw new IllegalArgumentException("max total size " + maxTotalSize + " < initial " + initialVolumeSize);
        }
        if (reserveDiskBytes < 0) {
            throw new IllegalArgumentException("reserve must be >= 0: " + reserveDiskBytes);
        }
        if (fsyncPolicy == null) {
            throw new IllegalArgumentException("fsync policy is required");
        }
    }

    /**
     * Production defaults: 1 GiB first volume, grow 1 GiB at a time, 64 GiB per volume file, no total cap
     * beyond the disk, keep 256 MiB of the disk free, group commit.
     */
    public static VolumeConfig defaults() {
        return new VolumeConfig(GIB, GIB, 64 * GIB, Long.MAX_VALUE, 256 * MIB, FsyncPolicy.GROUP);
    }

    /** Small volumes for tests: 4 MiB first volume, 4 MiB steps, 64 MiB total, no fsync. */
    public static VolumeConfig forTests() {
        return new VolumeConfig(4 * MIB, 4 * MIB, 16 * MIB, 64 * MIB, 0, FsyncPolicy.NONE);
    }

    public VolumeConfig withFsyncPolicy(FsyncPolicy policy) {
        return new VolumeConfig(initialVolumeSize, growStep, maxVolumeSize, maxTotalSize, reserveDiskBytes, policy);
    }

    public VolumeConfig withMaxTotalSize(long max) {
        return new VolumeConfig(initialVolumeSize, growStep, maxVolumeSize, max, reserveDiskBytes, fsyncPolicy);
    }

    public VolumeConfig withReserveDiskBytes(long reserve) {
        return new VolumeConfig(initialVolumeSize, growStep, maxVolumeSize, maxTotalSize, reserve, fsyncPolicy);
    }

    public VolumeConfig withSizes(long initial, long step, long maxVolume) {
        return new VolumeConfig(initial, step, maxVolume, Math.max(maxTotalSize, initial), reserveDiskBytes, fsyncPolicy);
    }
}
