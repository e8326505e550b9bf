package io.coffer.placement;

/**
 * A shard's state in the cluster map. Only UP shards take new replicas; DRAINING shards are being
 * emptied (their data moves to the new owners); DOWN shards are unreachable but still own their
 * placement (a short outage must not reshuffle data); READ_ONLY shards serve but take no writes.
 */
public enum ShardState {
    UP, DRAINING, DOWN, READ_ONLY;

    /** Whether the placement function may choose this shard as an owner. */
    boolean ownsData() {
        return this != DRAINING;
    }
}
