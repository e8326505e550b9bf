package io.coffer.shard.store;

import io.coffer.shard.volume.FsyncPolicy;
import io.coffer.shard.volume.VolumeConfig;
import java.time.Duration;

/**
 * Everything {@link ShardStore#open} needs besides the data directory.
 *
 * @param volumes              volume sizing and the fsync policy (ALWAYS, GROUP, NONE)
 * @param temporarySectorTtl   age after which an unreferenced temporary sector is reclaimed
 * @param reclaimInterval      how often the background reclaim runs; zero disables it (tests call
 *                             {@link ShardStore#reclaimExpiredTemporarySectors} directly)
 * @param schedulerThreads     threads of the store's bounded scheduler (LMDB, file I/O, fsync)
 * @param schedulerQueue       tasks that may wait for a thread before submissions are rejected
 * @param initialMapSize       LMDB map size of a new environment; it doubles on demand
 * @param maxMapSize           the map never grows past this; beyond it writes fail with NO_SPACE
 */
public record ShardConfig(VolumeConfig volumes, Duration temporarySectorTtl, Duration reclaimInterval,
                          int schedulerThreads, int schedulerQueue, long initialMapSize, long maxMapSize) {
    public static final long MIB = 1L << 20;

    public ShardConfig {
        if (volumes == null) {
            throw new IllegalArgumentException("volume config is required");
        }
        if (temporarySectorTtl == null || temporarySectorTtl.isNegative()) {
            throw new IllegalArgumentException("temporary sector TTL must be >= 0");
        }
        if (reclaimInterval == null || reclaimInterval.isNegative()) {
            throw new IllegalArgumentException("reclaim interval must be >= 0");
        }
        if (schedulerThreads < 1 || schedulerQueue < 1) {
            throw new IllegalArgumentException("scheduler needs at least one thread and one queue slot");
        }
        if (initialMapSize < MIB || maxMapSize < initialMapSize) {
            throw new IllegalArgumentException("map sizes: need 1 MiB <= initial <= max");
        }
    }

    /** Production defaults: group commit, 1 h TTL reclaimed every minute, 64 MiB map growing to 1 TiB. */
    public static ShardConfig defaults() {
        return new ShardConfig(VolumeConfig.defaults(), Duration.ofHours(1), Duration.ofMinutes(1),
                16, 100_000, 64 * MIB, 1L << 40);
    }

    /** Small volumes, no fsync, no background reclaim, a 1 MiB map that must grow. */
    public static ShardConfig forTests() {
        return new ShardConfig(VolumeConfig.forTests(), Duration.ofHours(1), Duration.ZERO,
                8, 10_000, MIB, 1L << 34);
    }

    public FsyncPolicy fsyncPolicy() {
        return volumes.fsyncPolicy();
    }

    public ShardConfig withFsyncPolicy(FsyncPolicy policy) {
        return withVolumes(volumes.withFsyncPolicy(policy));
    }

    public ShardConfig withVolumes(VolumeConfig v) {
        return new ShardConfig(v, temporarySectorTtl, reclaimInterval, schedulerThreads, schedulerQueue,
                initialMapSize, maxMapSize);
    }

    public ShardConfig withTemporarySectorTtl(Duration ttl) {
        return new ShardConfig(volumes, ttl, reclaimInterval, schedulerThreads, schedulerQueue, initialMapSize,
                maxMapSize);
    }

    public ShardConfig withReclaimInterval(Duration interval) {
        return new ShardConfig(volumes, temporarySectorTtl, interval, schedulerThreads, schedulerQueue,
                initialMapSize, maxMapSize);
    }

    public ShardConfig withSchedulerThreads(int threads) {
        return new ShardConfig(volumes, temporarySectorTtl, reclaimInterval, threads, schedulerQueue, initialMapSize,
                maxMapSize);
    }

    public ShardConfig withMapSizes(long initial, long max) {
        return new ShardConfig(volumes, temporarySectorTtl, reclaimInterval, schedulerThreads, schedulerQueue,
                initial, max);
    }
}
