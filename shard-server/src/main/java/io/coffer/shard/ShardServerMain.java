package io.coffer.shard;

import io.coffer.shard.server.BufferPooling;
import io.coffer.shard.server.EventLoops;
import io.coffer.shard.server.NettyUnsafeCheck;
import io.coffer.shard.server.ShardServerRuntime;
import io.micronaut.context.ApplicationContext;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Starts a shard server: a Micronaut context in the "shard" environment, whose eager
 * {@link ShardServerRuntime} opens the store and binds the HTTP server. Runs until the JVM is asked
 * to stop (SIGTERM/SIGINT), then closes the context, which closes the server and the store.
 */
public final class ShardServerMain {
    private ShardServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        BufferPooling.pooledRegardlessOfHeap();
        EventLoops.onePerCore();
        ApplicationContext context;
        try {
            context = ApplicationContext.builder().environments(ShardServerRuntime.ENVIRONMENT).args(args).start();
        } catch (RuntimeException e) {
            System.err.println("coffer shard failed to start: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        NettyUnsafeCheck.warnIfMissing(LoggerFactory.getLogger(ShardServerMain.class));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (context.isRunning()) {
                context.close();
            }
            stopped.countDown();
        }, "coffer-shard-shutdown"));
        stopped.await();
    }
}
