package io.coffer.placement;

import java.util.UUID;

/** One shard in the cluster map. Weight is relative capacity (e.g. TiB); zone spreads replicas. */
public record ShardNode(UUID id, String endpoint, String zone, double weight, ShardState state) {
    public ShardNode {
        if (id == null) {
            throw new IllegalArgumentException("shard id is required");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be a positive finite number");
        }
        endpoint = endpoint == null ? "" : endpoint;
        zone = zone == null || zone.isEmpty() ? "default" : zone;
        if (state == null) {
            throw new IllegalArgumentException("state is required");
        }
    }

    public ShardNode withState(ShardState newState) {
        return new ShardNode(id, endpoint, zone, weight, newState);
    }
}
