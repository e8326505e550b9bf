package io.coffer.benchmarks.crypto;

import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.segment.SegmentCipher;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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
 * AES-256-GCM per segment, single thread: the production {@link SegmentCipher} (JDK provider, heap or direct
 * buffers) against Bouncy Castle's low-level GCMBlockCipher(AESEngine) doing the same work (same derived
 * key, nonce and AAD layout). The "bytes" counter is plaintext bytes per second (MB/s = value / 1e6).
 *
 * <p>The JDK reaches its AES-NI/PCLMUL speed only once C2 has compiled the GCM code, which takes 4-15 s of a
 * fresh JVM here (~50 MB/s before): hence the long warm-up. Run (see docs/decisions/0002-crypto.md):
 * {@code java -jar benchmarks/target/coffer-benchmarks.jar SegmentCipher -f 1 -wi 3 -w 5s -i 3 -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 3)
public class SegmentCipherBenchmark {
    /** JDK_HEAP and JDK_DIRECT run the production SegmentCipher; BC runs Bouncy Castle's pure-Java GCM. */
    @Param({"JDK_HEAP", "JDK_DIRECT", "BC"})
    public String provider;

    @Param({"16384", "65536", "1048576"})
    public int segmentSize;

    private SegmentCipher cipher;
    private ByteBuffer plain;
    private ByteBuffer stored;
    private ByteBuffer out;
    private long index;

    private GCMModeCipher bcEnc;
    private GCMModeCipher bcDec;
    private byte[] key;
    private byte[] plainArray;
    private byte[] storedArray;
    private byte[] outArray;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[42];

    /** Plaintext bytes processed, reported by JMH as a rate. */
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
        plainArray = new byte[segmentSize];
        r.nextBytes(plainArray);
        boolean direct = provider.equals("JDK_DIRECT");
        plain = allocate(direct, segmentSize).put(plainArray).flip();
        out = allocate(direct, segmentSize + 16);
        stored = allocate(direct, segmentSize + 16);
        cipher = new SegmentCipher(DataKey.of(dek), contentId, 1);
        // the decrypt benchmarks open segment 0 again and again (decryption may repeat a nonce)
        cipher.encryptSegment(0, false, plain.duplicate(), stored);
        stored.flip();
        index = 1;

        storedArray = new byte[segmentSize + 16];
        stored.duplicate().get(storedArray);
        outArray = new byte[segmentSize + 16];
        key = new byte[32];
        r.nextBytes(key);
        bcEnc = GCMBlockCipher.newInstance(AESEngine.newInstance());
        bcDec = GCMBlockCipher.newInstance(AESEngine.newInstance());
        // the first init carries the key; later inits pass null and reuse the key schedule and hash table
        bcEnc.init(true, new AEADParameters(new KeyParameter(key), 128, nonce(index++), aad));
        bcDec.init(false, new AEADParameters(new KeyParameter(key), 128, nonce(0), aad));
        if (provider.equals("BC")) {
            GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
            c.init(true, new AEADParameters(new KeyParameter(key), 128, nonce(0), aad));
            int n = c.processBytes(plainArray, 0, segmentSize, storedArray, 0);
            try {
                c.doFinal(storedArray, n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public int encrypt(Bytes counter) throws Exception {
        counter.bytes += segmentSize;
        if (provider.equals("BC")) {
            bcEnc.init(true, new AEADParameters(null, 128, nonce(index++), aad));
            int n = bcEnc.processBytes(plainArray, 0, segmentSize, outArray, 0);
            return n + bcEnc.doFinal(outArray, n);
        }
        out.clear();
        return cipher.encryptSegment(index++, false, plain.duplicate(), out);
    }

    @Benchmark
    public int decrypt(Bytes counter) throws Exception {
        counter.bytes += segmentSize;
        if (provider.equals("BC")) {
            bcDec.init(false, new AEADParameters(null, 128, nonce(0), aad));
            int n = bcDec.processBytes(storedArray, 0, storedArray.length, outArray, 0);
            return n + bcDec.doFinal(outArray, n);
        }
        out.clear();
        return cipher.decryptSegment(0, false, stored.duplicate(), out);
    }

    /** Same layout as production: part number (1) then the segment index, big-endian. */
    private byte[] nonce(long i) {
        ByteBuffer.wrap(nonce).putInt(1).putLong(i);
        return nonce;
    }

    private static ByteBuffer allocate(boolean direct, int n) {
        return direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
    }
}
