package io.coffer.gateway;

import io.coffer.crypto.segment.SegmentCipher;
import io.coffer.gateway.config.GatewayConfig;
import io.coffer.gateway.server.S3Server;
import io.coffer.gateway.user.UserStore;
import io.coffer.shard.server.BufferPooling;
import io.coffer.shard.server.EventLoops;
import io.coffer.shard.server.NettyUnsafeCheck;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.PrintStream;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar coffer-gateway.jar}: starts the Micronaut context in environment "gateway" (the
 * management server on its port, the S3 data plane as an eager bean, the embedded shard under the
 * data directory) and prints where it serves and the root credentials.
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) {
        BufferPooling.pooledRegardlessOfHeap();
        EventLoops.onePerCore();
        ApplicationContext ctx = Micronaut.build(args)
                .mainClass(GatewayMain.class)
                .environments("gateway")
                .banner(false)
                .start();
        printBanner(ctx, System.out);
        NettyUnsafeCheck.warnIfMissing(LoggerFactory.getLogger(GatewayMain.class));
        warmUpCrypto();
    }

    /**
     * Compiles the JDK's AES-GCM (and its AES-NI/CLMUL intrinsics) before traffic needs it: a fresh
     * JVM otherwise encrypts and decrypts at ~50 MB/s for its first 4-15 s (docs/decisions/0002-crypto.md).
     * On a background thread, so the endpoint answers at once; requests meanwhile are only slower.
     */
    private static void warmUpCrypto() {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            int segments = SegmentCipher.warmUp();
            LoggerFactory.getLogger(GatewayMain.class).info("crypto warm-up: {} segments in {} ms", segments,
                    (System.nanoTime() - start) / 1_000_000);
        }, "coffer-crypto-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The start-up banner: endpoints and root credentials (the secret only when just generated). */
    public static void printBanner(ApplicationContext ctx, PrintStream out) {
        GatewayConfig config = ctx.getBean(GatewayConfig.class);
        S3Server s3 = ctx.getBean(S3Server.class);
        UserStore.RootKey root = ctx.getBean(UserStore.class).rootKey();
        String host = "0.0.0.0".equals(config.getBindHost()) ? "127.0.0.1" : config.getBindHost();
        out.println("Coffer S3 endpoint:  http://" + host + ":" + s3.port() + "  (region " + config.getRegion()
                + (config.getDomain() == null ? "" : ", virtual-hosted style at <bucket>." + config.getDomain()) + ")");
        ctx.findBean(EmbeddedServer.class).ifPresent(m -> out.println(
                "Management:          http://" + host + ":" + m.getPort() + "  (/health, /health/liveness, "
                        + "/health/readiness, /prometheus, /admin/users)"));
        out.println("Data directory:      " + config.dataPath());
        out.println("Root access key:     " + root.accessKey());
        if (root.fromConfig()) {
            out.println("Root secret key:     from COFFER_ROOT_SECRET_KEY");
        } else if (root.secretKey() != null) {
            out.println("Root secret key:     " + root.secretKey());
            out.println("                     (generated now and shown only this once; stored in " + root.file() + ")");
        } else {
            out.println("Root secret key:     stored in " + root.file());
        }
        out.flush();
    }
}
