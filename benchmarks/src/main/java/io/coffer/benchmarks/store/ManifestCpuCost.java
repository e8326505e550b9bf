package io.coffer.benchmarks.store;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.meta.MetaStore;
import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;

/**
 * CPU time per operation of the metadata read path, next to {@link ManifestStoreBenchmark}.
 *
 * <p>Why besides JMH: on a shared machine with a load average far above its core count, JMH's
 * wall-clock time per op mostly measures waiting for a core (getManifestDirect read 70-100 us/op at
 * load 15 while it costs 3 us of CPU). CPU time per op is what "ops/s per core" means and is much
 * less sensitive to the load. It reports the process's CPU time (every thread: a scheduler hop
 * shows up here) and the calling thread's, per op, after a warm-up of the same length.
 *
 * <p>Run: {@code java <jvm flags> -cp benchmarks/target/coffer-benchmarks.jar
 * io.coffer.benchmarks.store.ManifestCpuCost [ops]} with the lmdbjava/Chronicle flags of the root
 * pom's {@code jvm.flags}.
 */
public final class ManifestCpuCost {
    private static final int KEYS = 10_000;

    private ManifestCpuCost() {
    }

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("coffer-manifest-cpu");
        try (ShardStore store = ShardStore.open(dir, ShardConfig.defaults()
                .withVolumes(ShardConfig.forTests().volumes().withFsyncPolicy(FsyncPolicy.NONE)))) {
            store.createBucket(new BucketInfo("bench", 0, "", "", Map.of())).block();
            SectorId id = SectorId.random();
            byte[] bytes = new byte[4112];
            store.putSector(id, bytes.length, Mono.just(Unpooled.wrappedBuffer(bytes))).block();
            SectorRef sector = new SectorRef(id, bytes.length);
            List<ObjectVersion> initial = new ArrayList<>(KEYS);
            for (int i = 0; i < KEYS; i++) {
                // 600 bytes of manifest, as in ManifestStoreBenchmark
                initial.add(new ObjectVersion("bench", "objects/" + i, "v" + i, i + 1, false, 4096, "etag", i, null,
                        List.of(sector), new byte[600]));
            }
            store.meta().putVersions(initial);
            MetaStore meta = store.meta();
            measure("getVersion via Shard API", ops, () ->
                    store.getVersion("bench", "objects/" + ThreadLocalRandom.current().nextInt(KEYS), null).block());
            measure("getVersion on MetaStore", ops, () ->
                    meta.getVersion("bench", "objects/" + ThreadLocalRandom.current().nextInt(KEYS), null));
            measure("sector location, LMDB", ops, () -> meta.sector(id));
            measure("sector location, Chronicle Map", ops, () -> store.index().get(id));
            measure("list page of 1,000 keys on MetaStore", Math.max(1, ops / 1000), () ->
                    meta.list(ListRequest.objects("bench", "objects/",
                            "objects/" + ThreadLocalRandom.current().nextInt(9), "", 1000)));
        } finally {
            ManifestStoreBenchmark.deleteTree(dir);
        }
    }

    private static void measure(String what, int ops, Runnable op) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < ops; i++) {
            op.run(); // warm-up: JIT, page cache, per-thread caches
        }
        for (int round = 1; round <= 3; round++) {
            long cpu0 = os.getProcessCpuTime();
            long thread0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e3 / ops;
            double thread = (threads.getCurrentThreadCpuTime() - thread0) / 1e3 / ops;
            double wall = (System.nanoTime() - wall0) / 1e3 / ops;
            System.out.printf("%-40s round %d: process CPU %8.3f us/op (%,9.0f ops per CPU-second), "
                    + "calling thread CPU %8.3f us/op, wall %8.3f us/op%n", what, round, cpu, 1e6 / cpu, thread, wall);
        }
    }
}
