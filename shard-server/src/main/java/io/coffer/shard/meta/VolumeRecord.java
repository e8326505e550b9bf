package io.coffer.shard.meta;

import io.coffer.shard.api.VolumeState;
import java.util.UUID;

/** A volume file as the metadata knows it; sector records name volumes by {@code index}. */
public record VolumeRecord(int index, UUID id, String fileName, long capacity, VolumeState state) {
    public VolumeRecord {
        if (index < 0 || id == null || fileName == null || fileName.isEmpty() || capacity < 0 || state == null) {
            throw new IllegalArgumentException("bad volume record");
        }
    }
}
