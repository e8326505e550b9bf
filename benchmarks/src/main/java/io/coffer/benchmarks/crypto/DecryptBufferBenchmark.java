package io.coffer.benchmarks.crypto;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.segment.SegmentCipher;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One stored segment from a file-read (direct) buffer to bytes a socket can take (direct), the two ways
 * the GET path can do it:
 * <ul>
 *   <li>{@code viaHeap}: copy the stored segment into a heap buffer, decrypt heap to heap, copy the
 *       plaintext into a direct buffer (what the transport does with a heap ByteBuf before writing);</li>
 *   <li>{@code direct}: decrypt straight from the direct input into a direct output;</li>
 *   <li>{@code directSameBlock}: the same, but input and output are slices of one direct block, as two
 *       buffers of one Netty pool chunk are. JDK 17's GCM only compares the blocks' base addresses and the
 *       offsets in them, and when the output lies after the input it decrypts into a heap copy of the
 *       output and copies that back
 *       (seen in a JFR profile of the GET path, 11 % of its CPU samples; here, with L2-hot buffers, the
 *       difference can hide in a busy machine's noise).</li>
 * </ul>
 * The "bytes" counter is plaintext bytes per second.
 * Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar DecryptBuffer -f 1 -wi 4 -w 4s -i 4 -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 4, time = 4)
@Measurement(iterations = 4, time = 3)
public class DecryptBufferBenchmark {
    @Param({"65536"})
    public int segmentSize;

    private SegmentCipher cipher;
    private ByteBuffer storedDirect;
    private ByteBuffer storedHeap;
    private ByteBuffer plainHeap;
    private ByteBuffer plainDirect;
    private ByteBuffer blockStored;
    private ByteBuffer blockPlain;

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
        Random r = new Random(1);
        byte[] dek = new byte[32];
        r.nextBytes(dek);
        byte[] contentId = new byte[16];
        r.nextBytes(contentId);
        byte[] plain = new byte[segmentSize];
        r.nextBytes(plain);
        cipher = new SegmentCipher(DataKey.of(dek), contentId, 1);
        storedDirect = ByteBuffer.allocateDirect(segmentSize + 16);
        cipher.encryptSegment(0, false, ByteBuffer.wrap(plain), storedDirect);
        storedDirect.flip();
        storedHeap = ByteBuffer.allocate(segmentSize + 16);
        plainHeap = ByteBuffer.allocate(segmentSize);
        plainDirect = ByteBuffer.allocateDirect(segmentSize);
        ByteBuffer block = ByteBuffer.allocateDirect(2 * segmentSize + 16);
        // input first, output after it in the same block: the order for which the JDK copies
        blockStored = block.duplicate().position(0).limit(segmentSize + 16).slice();
        blockPlain = block.duplicate().position(segmentSize + 16).limit(2 * segmentSize + 16).slice();
        blockStored.put(storedDirect.duplicate()).flip();
    }

    @Benchmark
    public int viaHeap(Bytes counter) {
        counter.bytes += segmentSize;
        storedHeap.clear();
        storedHeap.put(storedDirect.duplicate()).flip();
        plainHeap.clear();
        int n = cipher.decryptSegment(0, false, storedHeap, plainHeap);
        plainDirect.clear();
        plainDirect.put(plainHeap.flip());
        return n;
    }

    @Benchmark
    public int direct(Bytes counter) {
        counter.bytes += segmentSize;
        plainDirect.clear();
        return cipher.decryptSegment(0, false, storedDirect.duplicate(), plainDirect);
    }

    @Benchmark
    public int directSameBlock(Bytes counter) {
        counter.bytes += segmentSize;
        blockPlain.clear();
        return cipher.decryptSegment(0, false, blockStored.duplicate(), blockPlain);
    }

    /** Direct input, heap output (the transport would still copy it). */
    @Benchmark
    public int directToHeap(Bytes counter) {
        counter.bytes += segmentSize;
        plainHeap.clear();
        return cipher.decryptSegment(0, false, storedDirect.duplicate(), plainHeap);
    }
}
