package io.coffer.shard.server;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Starts an HTTP exchange in a task of its own on its connection's event loop, never inside Reactor
 * Netty's call of the handler. Reactor Netty 1.3.7 (reactor-netty#4361) queues a keep-alive request
 * that arrives before the previous exchange has ended and replays the queue later; if a replayed
 * request is answered inside that replay (a HEAD whose metadata read is synchronous, a refusal found
 * before any I/O) while its own end-of-request marker is still queued, nothing asks the channel to
 * read again and the connection hangs. Started in a later task on the same thread (no hand-off), the
 * answer always comes after the queue has drained. Both the gateway's S3 server and the shard server
 * use it; see docs/decisions/lmdb-reads-on-caller-thread.md.
 */
public final class ExchangeTask {
    /** One scheduler per event loop, made once: a server has a handful of loops and keeps them. */
    private static final Map<EventLoop, Scheduler> SCHEDULERS = new ConcurrentHashMap<>();

    private ExchangeTask() {
    }

    /** {@code exchange}, subscribed in a later task of {@code req}'s event loop. */
    public static Mono<Void> later(HttpServerRequest req, Supplier<Mono<Void>> exchange) {
        EventLoop[] loop = new EventLoop[1];
        req.withConnection(c -> loop[0] = c.channel().eventLoop());
        Scheduler scheduler = SCHEDULERS.computeIfAbsent(loop[0], Schedulers::fromExecutor);
        return Mono.defer(exchange).subscribeOn(scheduler);
    }
}
