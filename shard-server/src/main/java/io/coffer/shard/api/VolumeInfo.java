package io.coffer.shard.api;

import java.util.UUID;

/** A volume file of a shard: preallocated capacity, bytes in live sectors, and its state. */
public record VolumeInfo(UUID id, String path, long capacity, long used, VolumeState state) {
}
