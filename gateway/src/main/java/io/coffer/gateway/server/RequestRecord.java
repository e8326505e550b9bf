package io.coffer.gateway.server;

import io.coffer.gateway.s3.S3Operation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server remembers about one request for its log line and metrics. Written from the
 * event loop and the store scheduler, so counters are atomic and fields volatile.
 */
final class RequestRecord {
    final String requestId;
    final String method;
    final long startNanos = System.nanoTime();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    volatile S3Operation operation = S3Operation.UNKNOWN;
    volatile String bucket;
    volatile String key;
    volatile String resource;
    volatile int status;
    volatile String errorCode;
    volatile boolean bodyComplete;

    RequestRecord(String requestId, String method) {
        this.requestId = requestId;
        this.method = method;
    }

    long micros() {
        return (System.nanoTime() - startNanos) / 1_000;
    }
}
