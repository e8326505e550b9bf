package io.coffer.shard.api;

/** Writable volumes take new sectors; read-only and draining ones only serve reads. */
public enum VolumeState {
    WRITABLE, READ_ONLY, DRAINING
}
