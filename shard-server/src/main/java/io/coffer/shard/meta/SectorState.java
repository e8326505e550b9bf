package io.coffer.shard.meta;

/** A sector is temporary until a committed version or part references it. */
public enum SectorState {
    TEMPORARY, COMMITTED
}
