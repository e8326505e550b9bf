package io.coffer.benchmarks.gateway;

import io.coffer.benchmarks.gateway.SignedRequests.PutBody;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The large-object read path inside the gateway (issue 5's GET 64 MiB, GET 1 MiB x8 and ranged GET
 * 1 MiB x8 workloads), without the network: route, SigV4, the GET handler, the read pipeline (manifest
 * from the gateway's cache, sector reads from a real embedded {@code ShardStore}, AES-GCM decryption
 * and tag checks of every segment), and the body handed to a sink that does what Netty's epoll
 * transport does before a socket write: a buffer that is not direct is first copied into a pooled
 * direct buffer ({@code AbstractEpollChannel.filterOutboundMessage}). So the copy a heap body costs on
 * a real socket is counted here too; the kernel's copy into the socket is not.
 *
 * <ul>
 *   <li>{@code get64m}: one GetObject of a 64 MiB object (1,024 segments of 64 KiB).</li>
 *   <li>{@code get1m8}: 8 GetObjects of 1 MiB objects in flight (over 16 objects).</li>
 *   <li>{@code range1m8}: 8 ranged GetObjects of 1 MiB at random (unaligned) offsets of the 64 MiB
 *       object in flight, as the load benchmark's range workload asks.</li>
 * </ul>
 * The "bytes" counter is plaintext bytes per second. The machine is shared, so read the CPU per
 * operation too: {@code -prof io.coffer.benchmarks.gateway.CpuPerOpProfiler} (CPU per op over the bytes
 * per op gives CPU per MB served).
 *
 * <p>Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar ObjectReadBenchmark -prof
 * io.coffer.benchmarks.gateway.CpuPerOpProfiler}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "-Xmx1g"})
public class ObjectReadBenchmark {
    static final String BUCKET = "bench";
    static final int LARGE = 64 << 20;
    static final int SMALL = 1 << 20;
    static final int SMALL_OBJECTS = 16;
    static final int IN_FLIGHT = 8;

    /** Plaintext bytes read, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** A gateway holding one 64 MiB object and 16 of 1 MiB, with GET heads signed for each. */
    @State(Scope.Benchmark)
    public static class Objects {
        EmbeddedGateway gateway;
        HttpHeaders large;
        HttpHeaders[] small;
        final AtomicInteger next = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            gateway = EmbeddedGateway.open(FsyncPolicy.NONE);
            SmallObjectRequestBenchmark.createBucket(gateway);
            byte[] big = payload(LARGE, 1);
            put(largeKey(), big);
            check(largeKey(), big, null);
            check(largeKey(), Arrays.copyOfRange(big, 1_000_003, 1_000_003 + SMALL),
                    "bytes=1000003-" + (1_000_003 + SMALL - 1));
            large = SignedRequests.empty(SdkHttpMethod.GET, SignedRequests.uri(BUCKET, largeKey()));
            small = new HttpHeaders[SMALL_OBJECTS];
            byte[] one = payload(SMALL, 2);
            for (int i = 0; i < SMALL_OBJECTS; i++) {
                put(smallKey(i), one);
                small[i] = SignedRequests.empty(SdkHttpMethod.GET, SignedRequests.uri(BUCKET, smallKey(i)));
            }
            check(smallKey(3), one, null);
        }

        private void put(String key, byte[] payload) {
            String uri = SignedRequests.uri(BUCKET, key);
            gateway.handle(HttpMethod.PUT, uri, SignedRequests.put(uri, payload, PutBody.UNSIGNED),
                    SmallObjectRequestBenchmark.socketBody(payload)).flatMap(EmbeddedGateway::drain).block();
        }

        /** A fast wrong answer does not count: the bytes read back must be the bytes written. */
        private void check(String key, byte[] expected, String range) {
            String uri = SignedRequests.uri(BUCKET, key);
            HttpHeaders h = SignedRequests.empty(SdkHttpMethod.GET, uri);
            if (range != null) {
                h.set("Range", range);
            }
            byte[] got = new byte[expected.length];
            int[] pos = {0};
            gateway.handle(HttpMethod.GET, uri, h, Flux.empty())
                    .flatMapMany(r -> Flux.from(r.body()))
                    .doOnNext(b -> {
                        int n = Math.min(b.readableBytes(), got.length - pos[0]);
                        b.readBytes(got, pos[0], n);
                        pos[0] += n + b.readableBytes();
                        b.release();
                    })
                    .blockLast();
            if (pos[0] != expected.length || !Arrays.equals(got, expected)) {
                throw new IllegalStateException("GET " + key + " " + range + " returned other bytes than were PUT");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            gateway.close();
        }

        Mono<Long> get(HttpHeaders head, String key) {
            return gateway.handle(HttpMethod.GET, SignedRequests.uri(BUCKET, key), head, Flux.empty())
                    .flatMap(ObjectReadBenchmark::toSocket);
        }

        Mono<Long> range() {
            long offset = ThreadLocalRandom.current().nextLong(LARGE - SMALL + 1);
            HttpHeaders h = large.copy();
            h.set("Range", "bytes=" + offset + "-" + (offset + SMALL - 1));
            return get(h, largeKey());
        }

        Mono<Long> small() {
            int i = Math.floorMod(next.getAndIncrement(), SMALL_OBJECTS);
            return get(small[i], smallKey(i));
        }
    }

    @Benchmark
    public Long get64m(Objects s, Bytes counter) {
        long n = s.get(s.large, largeKey()).block();
        counter.bytes += n;
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Long get1m8(Objects s, Bytes counter) {
        long n = Flux.range(0, IN_FLIGHT).flatMap(i -> s.small(), IN_FLIGHT).reduce(0L, Long::sum).block();
        counter.bytes += n;
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Long range1m8(Objects s, Bytes counter) {
        long n = Flux.range(0, IN_FLIGHT).flatMap(i -> s.range(), IN_FLIGHT).reduce(0L, Long::sum).block();
        counter.bytes += n;
        return n;
    }

    /**
     * Drains a response body the way a socket write sees it: a heap (or mixed composite) buffer is
     * copied into a pooled direct buffer first, as Netty's epoll and NIO transports do; then released.
     */
    static Mono<Long> toSocket(io.coffer.gateway.s3.S3Response r) {
        if (r.status() >= 300) {
            return Mono.error(new IllegalStateException("benchmark request answered " + r.status()));
        }
        if (r.body() == null) {
            return Mono.just(0L);
        }
        return Flux.from(r.body()).map(b -> {
            int n = b.readableBytes();
            if (!b.isDirect()) {
                ByteBuf d = PooledByteBufAllocator.DEFAULT.directBuffer(n);
                d.writeBytes(b, b.readerIndex(), n);
                d.release();
            }
            b.release();
            return (long) n;
        }).reduce(0L, Long::sum);
    }

    static String largeKey() {
        return "objects/large/64m.bin";
    }

    static String smallKey(int i) {
        return "objects/1m/" + i + ".bin";
    }

    static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
