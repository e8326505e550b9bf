package io.coffer.gateway.management;

import io.coffer.shard.api.Shard;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Readiness: the gateway is ready when its shard answers a stats call within two seconds. Liveness
 * (the process serves HTTP at all) needs no indicator of its own.
 */
@Singleton
@Readiness
public final class ShardHealthIndicator implements HealthIndicator {
    private final Shard shard;

    public ShardHealthIndicator(Shard shard) {
        this.shard = shard;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return shard.stats()
                .timeout(Duration.ofSeconds(2))
                .map(s -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("shardId", s.shardId());
                    details.put("objects", s.objects());
                    details.put("bytesUsed", s.bytesUsed());
                    details.put("bytesCapacity", s.bytesCapacity());
                    return HealthResult.builder("shard", HealthStatus.UP).details(details).build();
                })
                .onErrorResume(e -> Mono.just(HealthResult.builder("shard", HealthStatus.DOWN)
                        .details(Map.of("error", String.valueOf(e.getMessage()))).build()));
    }
}
