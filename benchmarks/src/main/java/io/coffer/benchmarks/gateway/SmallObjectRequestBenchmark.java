package io.coffer.benchmarks.gateway;

import io.coffer.benchmarks.gateway.SignedRequests.PutBody;
import io.coffer.shard.volume.FsyncPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The 4 KiB request path inside the gateway, without the network (issue 5 target: ≥ 20k ops/s per
 * core). Each operation is one S3 request taken from its signed request head and raw body bytes to
 * the handler's complete response, through the gateway's real code ({@link EmbeddedGateway}): routing,
 * SigV4 header verification, body wiring (aws-chunked decoding and trailer checksum when the PUT
 * uses it), the object handlers, and the write and read pipelines (MD5/CRC digests, a fresh data key
 * wrapped under the master key, AES-GCM, the Ed25519-signed manifest, manifest verification through
 * the gateway's cache, decryption of the one segment), onto a real embedded {@code ShardStore}
 * (LMDB + volume files) in a temp directory.
 *
 * <ul>
 *   <li>{@code put}/{@code put16}: PutObject of 4 KiB over 1,024 rotating keys (so, after the first
 *       round, every PUT replaces a version and frees its sector, as a busy bucket does), one request
 *       in flight or 16. With {@code fsync=GROUP} an acknowledged PUT is durable; 16 in flight is where
 *       group commit shows.</li>
 *   <li>{@code putThenGet}: a PUT and then a GET of the version it made (one op = both requests): the
 *       first read of a manifest, which the gateway signed itself moments before.</li>
 *   <li>{@code get}/{@code get16}: GetObject of one of 1,024 stored 4 KiB objects, body read to the end.</li>
 *   <li>{@code head}/{@code head16}: HeadObject of the same.</li>
 * </ul>
 * The benchmark thread drives the requests; the shard's store scheduler runs LMDB and volume work on
 * its own threads, so with one benchmark thread the process can still use both cores. Request heads
 * are signed once per trial, outside the measurement (SigV4 allows 15 minutes of clock skew, far more
 * than a trial lasts). This machine is shared: add {@code -prof io.coffer.benchmarks.gateway.CpuPerOpProfiler}
 * for the CPU time per request, which the neighbours' load hardly changes.
 *
 * <p>Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar SmallObjectRequestBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
// LMDB (lmdbjava) and the Chronicle sector index need these in the forked JVM (the jar's manifest
// entries only apply to java -jar itself)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"})
public class SmallObjectRequestBenchmark {
    static final int SIZE = 4096;
    static final int KEYS = 1024;
    static final int IN_FLIGHT = 16;
    static final String BUCKET = "bench";

    /** A gateway for PUTs: the policy under test, and requests signed for every key. */
    @State(Scope.Benchmark)
    public static class PutState {
        @Param({"NONE", "GROUP"})
        FsyncPolicy fsync;

        @Param({"UNSIGNED", "CHUNKED_CRC32_TRAILER"})
        PutBody body;

        EmbeddedGateway gateway;
        byte[] wire;
        HttpHeaders[] heads;
        HttpHeaders[] gets;
        final AtomicInteger next = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            gateway = EmbeddedGateway.open(fsync);
            createBucket(gateway);
            byte[] payload = payload(3);
            wire = SignedRequests.wireBody(payload, body);
            heads = new HttpHeaders[KEYS];
            for (int i = 0; i < KEYS; i++) {
                heads[i] = SignedRequests.put(SignedRequests.uri(BUCKET, key(i)), payload, body);
            }
            gets = new HttpHeaders[KEYS];
            for (int i = 0; i < KEYS; i++) {
                gets[i] = SignedRequests.empty(SdkHttpMethod.GET, SignedRequests.uri(BUCKET, key(i)));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            gateway.close();
        }

        Mono<Long> putOne() {
            int i = Math.floorMod(next.getAndIncrement(), KEYS);
            return gateway.handle(HttpMethod.PUT, SignedRequests.uri(BUCKET, key(i)), heads[i], socketBody(wire))
                    .flatMap(EmbeddedGateway::drain);
        }

        /** A PUT, then a GET of the version it just made (its manifest not yet read by anyone). */
        Mono<Long> putThenGetOne() {
            int i = Math.floorMod(next.getAndIncrement(), KEYS);
            String uri = SignedRequests.uri(BUCKET, key(i));
            return gateway.handle(HttpMethod.PUT, uri, heads[i], socketBody(wire))
                    .flatMap(EmbeddedGateway::drain)
                    .then(gateway.handle(HttpMethod.GET, uri, gets[i], Flux.empty()))
                    .flatMap(EmbeddedGateway::drain);
        }
    }

    /** A gateway holding {@link #KEYS} objects of 4 KiB, with GET and HEAD heads signed for each. */
    @State(Scope.Benchmark)
    public static class ReadState {
        EmbeddedGateway gateway;
        byte[] payload;
        HttpHeaders[] gets;
        HttpHeaders[] heads;
        final AtomicInteger next = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            gateway = EmbeddedGateway.open(FsyncPolicy.NONE);
            createBucket(gateway);
            payload = payload(4);
            for (int i = 0; i < KEYS; i++) {
                String uri = SignedRequests.uri(BUCKET, key(i));
                HttpHeaders h = SignedRequests.put(uri, payload, PutBody.UNSIGNED);
                gateway.handle(HttpMethod.PUT, uri, h, socketBody(payload)).flatMap(EmbeddedGateway::drain).block();
            }
            checkGetReturnsPayload();
            gets = new HttpHeaders[KEYS];
            heads = new HttpHeaders[KEYS];
            for (int i = 0; i < KEYS; i++) {
                gets[i] = SignedRequests.empty(SdkHttpMethod.GET, SignedRequests.uri(BUCKET, key(i)));
                heads[i] = SignedRequests.empty(SdkHttpMethod.HEAD, SignedRequests.uri(BUCKET, key(i)));
            }
        }

        /** A fast wrong answer does not count: the bytes read back must be the bytes written. */
        private void checkGetReturnsPayload() {
            String uri = SignedRequests.uri(BUCKET, key(7));
            byte[] got = gateway.handle(HttpMethod.GET, uri, SignedRequests.empty(SdkHttpMethod.GET, uri), Flux.empty())
                    .flatMapMany(r -> Flux.from(r.body()))
                    .reduce(new byte[0], (acc, b) -> {
                        byte[] joined = Arrays.copyOf(acc, acc.length + b.readableBytes());
                        b.readBytes(joined, acc.length, b.readableBytes());
                        b.release();
                        return joined;
                    })
                    .block();
            if (!Arrays.equals(got, payload)) {
                throw new IllegalStateException("GET returned other bytes than were PUT");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            gateway.close();
        }

        Mono<Long> read(boolean head) {
            int i = Math.floorMod(next.getAndIncrement(), KEYS);
            return gateway.handle(head ? HttpMethod.HEAD : HttpMethod.GET, SignedRequests.uri(BUCKET, key(i)),
                            head ? heads[i] : gets[i], Flux.empty())
                    .flatMap(EmbeddedGateway::drain);
        }
    }

    @Benchmark
    public Long put(PutState s) {
        return s.putOne().block();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Long put16(PutState s) {
        return Flux.range(0, IN_FLIGHT).flatMap(i -> s.putOne(), IN_FLIGHT).reduce(0L, Long::sum).block();
    }

    /** PUT then GET of the fresh version: the load benchmark's verify-what-you-wrote pattern. */
    @Benchmark
    public Long putThenGet(PutState s) {
        return s.putThenGetOne().block();
    }

    @Benchmark
    public Long get(ReadState s) {
        return s.read(false).block();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Long get16(ReadState s) {
        return Flux.range(0, IN_FLIGHT).flatMap(i -> s.read(false), IN_FLIGHT).reduce(0L, Long::sum).block();
    }

    @Benchmark
    public Long head(ReadState s) {
        return s.read(true).block();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Long head16(ReadState s) {
        return Flux.range(0, IN_FLIGHT).flatMap(i -> s.read(true), IN_FLIGHT).reduce(0L, Long::sum).block();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static String key(int i) {
        return "objects/small/" + i + ".bin";
    }

    static byte[] payload(long seed) {
        byte[] b = new byte[SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The body as a socket hands it over: one pooled direct buffer, allocated when subscribed. */
    static Flux<ByteBuf> socketBody(byte[] wire) {
        return Flux.defer(() -> Flux.just(PooledByteBufAllocator.DEFAULT.directBuffer(wire.length).writeBytes(wire)));
    }

    static void createBucket(EmbeddedGateway gateway) {
        String uri = SignedRequests.uri(BUCKET, null);
        gateway.handle(HttpMethod.PUT, uri, SignedRequests.empty(SdkHttpMethod.PUT, uri), Flux.empty())
                .flatMap(EmbeddedGateway::drain)
                .block();
    }
}
