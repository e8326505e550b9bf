package io.coffer.shard.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the HTTP front of a shard; tests use them to prove which path a request took. */
public final class ServerCounters {
    final LongAdder requests = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder zeroCopyReads = new LongAdder();
    final LongAdder streamedReads = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    public long requests() {
        return requests.sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    /** Sector GETs answered with a FileRegion (sendfile). */
    public long zeroCopyReads() {
        return zeroCopyReads.sum();
    }

    /** Sector GETs answered by streaming buffers from {@code Shard.readSector} (no region source). */
    public long streamedReads() {
        return streamedReads.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
