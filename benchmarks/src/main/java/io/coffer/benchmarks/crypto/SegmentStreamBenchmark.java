package io.coffer.benchmarks.crypto;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.segment.SegmentDecryptor;
import io.coffer.crypto.segment.SegmentEncryptor;
import io.coffer.crypto.segment.SegmentLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * The Reactor transforms end to end on one thread: a 16 MiB object arriving in {@code chunk}-byte pooled
 * buffers (as a Netty body would), encrypted or decrypted into pooled buffers that are then released. The
 * gap to {@link SegmentCipherBenchmark} is the cost of buffering, copying and the Flux machinery. The
 * "bytes" counter is plaintext bytes per second.
 * Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar SegmentStream -f 1 -wi 3 -w 5s -i 3 -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 3)
public class SegmentStreamBenchmark {
    private static final int OBJECT = 16 * 1024 * 1024;

    /** Input buffer size: 8 KiB is typical of HTTP bodies, 1 MiB of sector reads. */
    @Param({"8192", "1048576"})
    public int chunk;

    /** Where stream buffers live: pooled direct (Netty's default) or pooled heap. */
    @Param({"direct", "heap"})
    public String buffers;

    private final ByteBufAllocator pool = PooledByteBufAllocator.DEFAULT;
    private SegmentEncryptor encryptor;
    private SegmentDecryptor decryptor;
    private DataKey key;
    private byte[] contentId;
    private byte[] encryptContentId;
    private byte[] plain;
    private byte[] stored;
    private int part;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setup() {
        ByteBufAllocator alloc = buffers.equals("heap")
                ? new PooledByteBufAllocator(false) : new PooledByteBufAllocator(true);
        encryptor = new SegmentEncryptor(SegmentLayout.DEFAULT, alloc);
        decryptor = new SegmentDecryptor(SegmentLayout.DEFAULT, alloc);
        Random r = new Random(1);
        plain = new byte[OBJECT];
        r.nextBytes(plain);
        key = DataKey.generate();
        contentId = new byte[16];
        r.nextBytes(contentId);
        stored = new byte[(int) SegmentLayout.DEFAULT.ciphertextLength(OBJECT)];
        int[] pos = {0};
        encryptor.encrypt(input(plain), key, contentId, 1).doOnNext(b -> {
            int n = b.readableBytes();
            b.readBytes(stored, pos[0], n).release();
            pos[0] += n;
        }).blockLast();
        encryptContentId = contentId.clone();
        encryptContentId[0]++;
        part = 1;
    }

    @TearDown
    public void tearDown() {
        key.destroy();
    }

    @Benchmark
    public long encrypt(Bytes counter) {
        counter.bytes += OBJECT;
        // a new part number per run: re-encrypting a part would reuse nonces (and the JDK refuses that)
        int p = part++;
        if (part > 10_000) {
            part = 1;
            encryptContentId[1]++;
        }
        return encryptor.encrypt(input(plain), key, encryptContentId, p)
                .map(b -> {
                    int n = b.readableBytes();
                    b.release();
                    return (long) n;
                }).reduce(0L, Long::sum).block();
    }

    @Benchmark
    public long decrypt(Bytes counter) {
        counter.bytes += OBJECT;
        return decryptor.decrypt(input(stored), key, contentId, 1, OBJECT, SegmentLayout.DEFAULT.whole(OBJECT))
                .map(b -> {
                    int n = b.readableBytes();
                    b.release();
                    return (long) n;
                }).reduce(0L, Long::sum).block();
    }

    private Flux<ByteBuf> input(byte[] data) {
        return Flux.range(0, (data.length + chunk - 1) / chunk).map(i -> {
            int off = i * chunk;
            int n = Math.min(chunk, data.length - off);
            ByteBuf b = buffers.equals("heap") ? pool.heapBuffer(n) : pool.directBuffer(n);
            return b.writeBytes(data, off, n);
        });
    }
}
