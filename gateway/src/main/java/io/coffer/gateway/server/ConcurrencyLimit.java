package io.coffer.gateway.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests in flight. Past the limit a request is answered {@code SlowDown} 503 at once
 * instead of queueing: a queue would only hide overload from clients that know how to back off.
 */
public final class ConcurrencyLimit {
    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ConcurrencyLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max < 1");
        }
        this.max = max;
    }

    /** True if the caller got a slot and must {@link #release()} it exactly once. */
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int max() {
        return max;
    }
}
