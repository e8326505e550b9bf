package io.coffer.gateway.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The data plane's Micrometer meters: requests (count + latency histogram) by operation and status,
 * bytes in/out by operation, errors by S3 code, and requests in flight. Exported in Prometheus
 * format on the management port, e.g. {@code coffer_s3_requests_seconds_count{operation="ListBuckets",status="200"}}.
 *
 * <p>Meters are looked up once per tag combination and kept here: building and registering a
 * Micrometer meter on every request (a builder, a sorted tag list, a {@code Meter.Id} and the
 * registry's lookup) was about 6 % of the gateway's CPU for a HEAD of a 4 KiB object.
 */
final class S3Metrics {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> bytesIn = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> bytesOut = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();

    S3Metrics(MeterRegistry registry, Supplier<Number> inFlight) {
        this.registry = registry;
        Gauge.builder("coffer.s3.requests.inflight", inFlight).description("S3 requests in flight").register(registry);
    }

    void record(RequestRecord r) {
        String op = r.operation.tag();
        int status = r.status;
        timers.computeIfAbsent(op + ' ' + status, k -> Timer.builder("coffer.s3.requests")
                        .description("S3 requests by operation and HTTP status")
                        .tags("operation", op, "status", Integer.toString(status))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(50_000))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry))
                .record(System.nanoTime() - r.startNanos, TimeUnit.NANOSECONDS);
        long in = r.bytesIn.get();
        if (in > 0) {
            bytesIn.computeIfAbsent(op, k -> Counter.builder("coffer.s3.bytes.in").baseUnit("bytes")
                    .description("S3 request body bytes received").tag("operation", op).register(registry))
                    .increment(in);
        }
        long out = r.bytesOut.get();
        if (out > 0) {
            bytesOut.computeIfAbsent(op, k -> Counter.builder("coffer.s3.bytes.out").baseUnit("bytes")
                    .description("S3 response body bytes sent").tag("operation", op).register(registry))
                    .increment(out);
        }
        String code = r.errorCode;
        if (code != null) {
            errors.computeIfAbsent(code + ' ' + op, k -> Counter.builder("coffer.s3.errors")
                    .description("S3 error responses by S3 error code")
                    .tags("code", code, "operation", op).register(registry))
                    .increment();
        }
    }
}
