package io.coffer.benchmarks.auth;

import io.coffer.gateway.auth.AuthResult;
import io.coffer.gateway.auth.AwsChunkedDecoder;
import io.coffer.gateway.auth.Credentials;
import io.coffer.gateway.auth.PayloadMode;
import io.coffer.gateway.auth.SigV4Request;
import io.coffer.gateway.auth.SigV4Verifier;
import io.coffer.gateway.auth.StreamingContext;
import io.coffer.gateway.checksum.BodyDigestResult;
import io.coffer.gateway.checksum.BodyDigests;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.coffer.gateway.checksum.ChecksumDigest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The request-path costs of authentication and body integrity: SigV4 header verification per request,
 * aws-chunked decoding (64 KiB chunks, signed per chunk or unsigned with a trailer) per body, and the
 * digest pipeline (MD5 + CRC32C + CRC64NVME + SHA-256) per body, each at 4 KiB, 64 KiB, 1 MiB and
 * 16 MiB. Inputs arrive as 16 KiB / 64 KiB direct buffers, as from a socket.
 *
 * <p>Throughput in MB/s is ops/s × size. Run: {@code java -jar benchmarks/target/coffer-benchmarks.jar SigV4Benchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SigV4Benchmark {

    static final String ACCESS_KEY = "AKIDBENCHMARK";
    static final String SECRET = "benchmark/secret/key/0123456789abcdefghij";
    static final Instant NOW = Instant.parse("2026-11-29T07:00:00Z");

    // ---- header verification --------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class HeaderState {
        SigV4Verifier verifier;
        SigV4Request request;

        @Setup
        public void setUp() {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            verifier = new SigV4Verifier(k -> Optional.of(new Credentials(ACCESS_KEY, SECRET)), "us-east-1", clock);
            // A GetObject as the AWS SDK sends it, signed by the SDK's own signer.
            SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("http")
                    .host("127.0.0.1").port(9000).encodedPath("/photos/2026/11/holiday%20pictures/IMG_0042.jpg")
                    .putRawQueryParameter("partNumber", "1")
                    .putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                    .putHeader("amz-sdk-invocation-id", "6c7c2a64-9b7a-4d0f-8a41-1c2d1ef0a3b1")
                    .putHeader("amz-sdk-request", "attempt=1; max=4")
                    .putHeader("Range", "bytes=0-1048575")
                    .putHeader("x-amz-checksum-mode", "ENABLED")
                    .putHeader("User-Agent", "aws-sdk-java/2.57.8 md/io#sync md/http#Apache ua/2.1 os/Linux")
                    .build();
            SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET))
                    .request(unsigned)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
            Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
            headers.putIfAbsent("Host", List.of("127.0.0.1:9000"));
            request = SigV4Request.of("GET", signed.getUri().getRawPath() + "?" + signed.getUri().getRawQuery(),
                    headers);
            verifier.verify(request); // fails fast if the setup is wrong
        }
    }

    @Benchmark
    public AuthResult headerVerification(HeaderState s) {
        return s.verifier.verify(s.request);
    }

    // ---- aws-chunked decoding ---------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class ChunkedState {
        @Param({"4096", "65536", "1048576", "16777216"})
        int bodySize;

        @Param({"STREAMING_SIGNED", "STREAMING_UNSIGNED_TRAILER"})
        PayloadMode mode;

        StreamingContext context;
        List<ByteBuf> wire;

        @Setup
        public void setUp() throws Exception {
            byte[] key = signingKey(SECRET, "20261129", "us-east-1", "s3");
            context = new StreamingContext(key, "0".repeat(64), "20261129/us-east-1/s3/aws4_request",
                    "20261129T070000Z");
            byte[] payload = new byte[bodySize];
            new Random(1).nextBytes(payload);
            byte[] body = encode(payload, 64 * 1024, mode, context);
            wire = new ArrayList<>();
            for (int off = 0; off < body.length; off += 16 * 1024) {
                int n = Math.min(16 * 1024, body.length - off);
                wire.add(Unpooled.directBuffer(n).writeBytes(body, off, n));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            wire.forEach(ByteBuf::release);
        }
    }

    @Benchmark
    public long chunkedDecode(ChunkedState s) {
        AwsChunkedDecoder decoder = new AwsChunkedDecoder(s.mode, s.context, s.bodySize, null);
        // Duplicates share the prepared bytes, so the decoder's releases leave them for the next invocation.
        Long total = decoder.decode(Flux.fromIterable(s.wire).map(ByteBuf::retainedDuplicate))
                .map(b -> {
                    int n = b.readableBytes();
                    b.release();
                    return (long) n;
                })
                .reduce(0L, Long::sum)
                .block();
        return total == null ? -1 : total;
    }

    // ---- digest pipeline ----------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class DigestState {
        @Param({"4096", "65536", "1048576", "16777216"})
        int bodySize;

        List<ByteBuf> buffers;

        @Setup
        public void setUp() {
            byte[] payload = new byte[bodySize];
            new Random(2).nextBytes(payload);
            buffers = new ArrayList<>();
            for (int off = 0; off < payload.length; off += 64 * 1024) {
                int n = Math.min(64 * 1024, payload.length - off);
                buffers.add(Unpooled.directBuffer(n).writeBytes(payload, off, n));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            buffers.forEach(ByteBuf::release);
        }
    }

    /** Everything a signed PUT with a CRC32C checksum computes, plus CRC64NVME: the worst case. */
    @Benchmark
    public void digestsMd5Crc32cCrc64nvmeSha256(DigestState s, Blackhole bh) {
        BodyDigests digests = new BodyDigests(ChecksumAlgorithm.CRC32C, true);
        ChecksumDigest crc64 = ChecksumAlgorithm.CRC64NVME.newDigest();
        for (ByteBuf b : s.buffers) {
            digests.update(b);
            crc64.update(b.nioBuffer());
        }
        bh.consume(digests.finish());
        bh.consume(crc64.finish());
    }

    /** An UNSIGNED-PAYLOAD PUT with the SDK's default CRC32 checksum. */
    @Benchmark
    public BodyDigestResult digestsMd5Crc32(DigestState s) {
        BodyDigests digests = new BodyDigests(ChecksumAlgorithm.CRC32, false);
        for (ByteBuf b : s.buffers) {
            digests.update(b);
        }
        return digests.finish();
    }

    @Benchmark
    public byte[] crc64nvmeOnly(DigestState s) {
        ChecksumDigest crc64 = ChecksumAlgorithm.CRC64NVME.newDigest();
        for (ByteBuf b : s.buffers) {
            crc64.update(b.nioBuffer());
        }
        return crc64.finish();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] signingKey(String secret, String date, String region, String service) throws Exception {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        return hmac(hmac(hmac(k, region), service), "aws4_request");
    }

    /** aws-chunked encoding per the S3 documentation, signing each chunk when the mode asks for it. */
    static byte[] encode(byte[] payload, int chunkSize, PayloadMode mode, StreamingContext ctx) throws Exception {
        HexFormat hex = HexFormat.of();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String empty = hex.formatHex(sha.digest(new byte[0]));
        String previous = ctx.seedSignature();
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + payload.length / 500 + 256);
        for (int off = 0; ; off += chunkSize) {
            int n = Math.max(0, Math.min(chunkSize, payload.length - off));
            out.writeBytes(Integer.toHexString(n).getBytes(StandardCharsets.US_ASCII));
            if (mode.hasChunkSignatures()) {
                // the final, empty chunk may start past the end when the payload is shorter than a chunk
                sha.update(payload, Math.min(off, payload.length), n);
                String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + ctx.amzDate() + "\n" + ctx.scope() + "\n" + previous
                        + "\n" + empty + "\n" + hex.formatHex(sha.digest());
                previous = hex.formatHex(hmac(ctx.signingKey(), sts));
                out.writeBytes((";chunk-signature=" + previous).getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (n == 0) {
                break;
            }
            out.write(payload, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (mode.hasTrailer()) {
            out.writeBytes("x-amz-checksum-crc32:AAAAAA==\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
