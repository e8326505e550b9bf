package io.coffer.shard.meta;

import java.util.List;

/**
 * The result of a metadata transaction together with the sectors it deleted. Their extents go back
 * to the allocator only after the transaction has committed.
 */
public record Freed<T>(T value, List<SectorRecord> sectors) {
    public Freed {
        sectors = List.copyOf(sectors);
    }
}
