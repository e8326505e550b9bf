package io.coffer.benchmarks.crypto;

import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.manifest.GatewaySigningKey;
import io.coffer.crypto.manifest.Manifest;
import io.coffer.crypto.manifest.ManifestCodec;
import io.coffer.crypto.manifest.ManifestSigner;
import io.coffer.crypto.manifest.ManifestVerifier;
import io.coffer.crypto.manifest.Part;
import io.coffer.crypto.manifest.SectorRef;
import io.coffer.crypto.segment.SegmentLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Manifest encode/sign/verify, single thread: what every PUT (sign) and every GET/HEAD (verify, or a cache
 * hit by digest) pays. {@code parts} = 1 is a plain object with one sector; 100 a large multipart upload.
 * Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar ManifestSign -f 1 -wi 3 -w 5s -i 3 -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 3)
public class ManifestSignBenchmark {
    @Param({"1", "100"})
    public int parts;

    private Manifest manifest;
    private byte[] encoding;
    private byte[] blob;
    private ManifestSigner signer;
    private ManifestVerifier verifier;
    private ManifestVerifier cached;

    @Setup
    public void setup() {
        Random r = new Random(1);
        SegmentLayout layout = SegmentLayout.DEFAULT;
        List<Part> list = new ArrayList<>();
        long partSize = 8L * 1024 * 1024;
        for (int i = 1; i <= parts; i++) {
            List<SectorRef> sectors = new ArrayList<>();
            long left = layout.ciphertextLength(partSize);
            while (left > 0) {
                byte[] id = new byte[16];
                r.nextBytes(id);
                long n = Math.min(left, 4L * 1024 * 1024);
                sectors.add(new SectorRef(id, n));
                left -= n;
            }
            byte[] cid = new byte[16];
            r.nextBytes(cid);
            list.add(new Part(i, partSize, "0123456789abcdef0123456789abcdef", sectors, parts > 1 ? cid : null));
        }
        byte[] cid = new byte[16];
        r.nextBytes(cid);
        byte[] wrapped = new byte[40];
        r.nextBytes(wrapped);
        manifest = Manifest.builder().bucket("benchmark-bucket").key("some/longish/key/name/object-000123.bin")
                .versionId("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY").generation(123456).size(partSize * parts)
                .etag("0123456789abcdef0123456789abcdef" + (parts > 1 ? "-" + parts : ""))
                .lastModifiedMillis(1_790_000_000_000L).contentType("application/octet-stream")
                .userMetadata(Map.of("owner", "bench", "purpose", "jmh"))
                .checksums(Map.of("CRC32C", "yZRlqg==")).contentId(cid)
                .wrappedKey(new WrappedKey("mk-0123456789abcdef", wrapped)).parts(list).build();
        GatewaySigningKey key = GatewaySigningKey.generate();
        signer = new ManifestSigner(key);
        verifier = ManifestVerifier.of(key.publicKey());
        cached = ManifestVerifier.cached(List.of(key.publicKey()), 1024);
        encoding = ManifestCodec.encode(manifest);
        blob = signer.sign(manifest);
        cached.verifyAndDecode(blob);
    }

    @Benchmark
    public byte[] encode() {
        return ManifestCodec.encode(manifest);
    }

    @Benchmark
    public Manifest decode() {
        return ManifestCodec.decode(encoding);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(manifest);
    }

    @Benchmark
    public Manifest verifyAndDecode() {
        return verifier.verifyAndDecode(blob);
    }

    @Benchmark
    public Manifest verifyAndDecodeCached() {
        return cached.verifyAndDecode(blob);
    }
}
