package io.coffer.gateway.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The data plane's Micrometer meters: requests (count + latency histogram) by operation and status,
 * bytes in/out by operation, errors by S3 code, and requests in flight. Exported in Prometheus
 * format on the management port, e.g. {@code coffer_s3_requests_seconds_count{operation="ListBuckets",status="200"}}.
 */
final class S3Metrics {
    private final MeterRegistry registry;

    S3Metrics(MeterRegistry registry, Supplier<Number> inFlight) {
        this.registry = registry;
        Gauge.builder("coffer.s3.requests.inflight", inFlight).description("S3 requests in flight").register(registry);
    }

    void record(RequestRecord r) {
        String op = r.operation.tag();
        Timer.builder("coffer.s3.requests")
                .description("S3 requests by operation and HTTP status")
                .tags("operation", op, "status", Integer.toString(r.status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - r.startNanos));
        long in = r.bytesIn.get();
        if (in > 0) {
            Counter.builder("coffer.s3.bytes.in").baseUnit("bytes").description("S3 request body bytes received")
                    .tag("operation", op).register(registry).increment(in);
        }
        long out = r.bytesOut.get();
        if (out > 0) {
            Counter.builder("coffer.s3.bytes.out").baseUnit("bytes").description("S3 response body bytes sent")
                    .tag("operation", op).register(registry).increment(out);
        }
        if (r.errorCode != null) {
            Counter.builder("coffer.s3.errors").description("S3 error responses by S3 error code")
                    .tags("code", r.errorCode, "operation", op).register(registry).increment();
        }
    }
}
