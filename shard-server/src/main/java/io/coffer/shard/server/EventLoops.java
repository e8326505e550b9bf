package io.coffer.shard.server;

/**
 * One Reactor Netty event loop per core instead of its default of at least four. Coffer's event loops
 * never block (cached reads go through {@code mincore}/{@code RWF_NOWAIT}, disk work to the store
 * scheduler), so a loop more than there are cores only adds runnable threads. On a two-core machine the
 * two extra loops cost nothing once the JIT is done, but starve it until then: under a 4 KiB GET load a
 * cold gateway with four loops needed over 70 s to reach its steady rate, with two 40 s
 * (docs/decisions/event-loops-per-core.md). The S3 server, the shard server and the gateway's client
 * to remote shards all run on Reactor Netty's shared loops, so one property sets them all.
 *
 * <p>Must run before any Reactor Netty class is initialised (the first statements of a {@code main});
 * an operator's own {@code -Dreactor.netty.ioWorkerCount=...} wins.
 */
public final class EventLoops {
    static final String IO_WORKER_COUNT = "reactor.netty.ioWorkerCount";

    private EventLoops() {
    }

    /** Sets the loop count to the number of cores unless the operator chose; returns the value in force. */
    public static String onePerCore() {
        if (System.getProperty(IO_WORKER_COUNT) == null) {
            System.setProperty(IO_WORKER_COUNT, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        return System.getProperty(IO_WORKER_COUNT);
    }
}
