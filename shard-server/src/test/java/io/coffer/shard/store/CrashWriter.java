package io.coffer.shard.store;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.NewSector;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorRef;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The child process of {@link ShardStoreCrashTest}: writes objects concurrently into a store under
 * group commit and prints "START n" before and "ACK n" after each acknowledged put, until killed.
 * Object n's bytes are a pure function of n, so the parent can check them after the crash.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        ShardStore store = ShardStore.open(dir, ShardConfig.forTests().withFsyncPolicy(FsyncPolicy.GROUP));
        store.createBucket(new BucketInfo("crash", 1, "", "", Map.of()))
                .onErrorResume(ShardException.class, e -> Mono.empty()).block();
        out.println("READY");
        out.flush();
        Flux.range(first, Integer.MAX_VALUE - first)
                .flatMap(n -> {
                    synchronized (out) {
                        out.println("START " + n);
                        out.flush();
                    }
                    byte[] bytes = content(n);
                    SectorId id = sectorId(n);
                    Mono<?> put;
                    if (n % 5 == 1) {
                        // the small-object way: sector and version in one group-commit request
                        put = store.putVersionWithSectors(new ObjectVersion("crash", "k" + n, "v" + n, n, false,
                                bytes.length, "e" + n, n, null, List.of(new SectorRef(id, bytes.length)), null),
                                PutCondition.NONE, false, List.of(new NewSector(id, Unpooled.wrappedBuffer(bytes))));
                    } else {
                        put = store.putSector(id, bytes.length, StoreFixture.body(bytes, 8192));
                    }
                    if (n % 5 > 1) {
                        // every fifth object stays an orphan sector: a crash must leave it temporary
                        put = put.then(store.putVersion(new ObjectVersion("crash", "k" + n, "v" + n, n, false,
                                bytes.length, "e" + n, n, null, List.of(new SectorRef(id, bytes.length)), null),
                                PutCondition.NONE, false));
                    }
                    return put.doOnSuccess(x -> {
                        synchronized (out) {
                            out.println("ACK " + n);
                            out.flush();
                        }
                    });
                }, 8)
                .blockLast();
    }

    static byte[] content(int n) {
        Random r = new Random(n * 31L + 7);
        byte[] b = new byte[1 + r.nextInt(40_000)];
        r.nextBytes(b);
        return b;
    }

    static SectorId sectorId(int n) {
        return new SectorId(0x5EC7_0000_0000_0000L | n, n * 0x9E3779B97F4A7C15L);
    }
}
