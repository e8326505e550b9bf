package io.coffer.gateway;

import io.coffer.gateway.server.S3Server;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.provider.Arguments;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import io.coffer.shard.store.LeakWatch;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a whole gateway (Micronaut context, S3 data plane on 127.0.0.1 port 0, management on a
 * random port, embedded ShardStore in a temp directory) once per test class, and builds AWS SDK v2
 * clients against it: path-style or virtual-hosted-style ({@code <bucket>.localhost}, resolved to
 * 127.0.0.1 by the client's own DNS resolver since the system resolver here does not), with the
 * SDK's default checksum behaviour or {@code WHEN_REQUIRED}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LeakWatch.class)
public abstract class GatewayTestBase {
    public static final String ROOT_ACCESS = "CFTESTROOTACCESSKEY1";
    public static final String ROOT_SECRET = "test/root/secret/key/0123456789abcdefghij";
    public static final String REGION = "us-east-1";
    public static final String DOMAIN = "localhost";

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    protected ApplicationContext context;
    protected Path dataDir;
    protected int s3Port;
    protected int managementPort;
    private final List<S3Client> clients = new ArrayList<>();

    /** Extra configuration for a test class (e.g. a small concurrency limit). */
    protected Map<String, Object> extraConfig() {
        return Map.of();
    }

    /** A running gateway and its data directory. */
    protected record Running(ApplicationContext context, Path dataDir, int s3Port, int managementPort) {
        void stop() {
            context.close();
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: it is a temp directory
            }
        }
    }

    /**
     * Gateways with the default test configuration are shared by every test class in the JVM: start-up
     * (Micronaut, LMDB, the Chronicle index) costs far more than any test, and tests use their own buckets.
     */
    private static Running shared;

    private Running own;

    @BeforeAll
    void startGateway() throws IOException {
        Running r;
        if (extraConfig().isEmpty()) {
            synchronized (GatewayTestBase.class) {
                if (shared == null) {
                    shared = start(Map.of());
                    Running s = shared;
                    Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
                }
                r = shared;
            }
        } else {
            own = start(extraConfig());
            r = own;
        }
        context = r.context();
        dataDir = r.dataDir();
        s3Port = r.s3Port();
        managementPort = r.managementPort();
    }

    protected static Running start(Map<String, Object> extra) throws IOException {
        Path dir = Files.createTempDirectory("coffer-gw-test");
        Map<String, Object> props = new HashMap<>();
        props.put("coffer.data-dir", dir.toString());
        props.put("coffer.bind-host", "127.0.0.1");
        props.put("coffer.s3-port", 0);
        props.put("coffer.domain", DOMAIN);
        props.put("coffer.fsync", "none");
        props.put("coffer.shard.test-sizing", true);
        props.put("coffer.root-access-key", ROOT_ACCESS);
        props.put("coffer.root-secret-key", ROOT_SECRET);
        props.put("micronaut.server.port", -1);
        props.put("micronaut.server.host", "127.0.0.1");
        props.putAll(extra);
        ApplicationContext ctx = ApplicationContext.run(EmbeddedServer.class, props, "gateway", "test")
                .getApplicationContext();
        return new Running(ctx, dir, ctx.getBean(S3Server.class).port(), ctx.getBean(EmbeddedServer.class).getPort());
    }

    @AfterAll
    void stopGateway() {
        clients.forEach(S3Client::close);
        if (own != null) {
            own.stop();
        }
    }

    /** The four client flavours every operation is tested with. */
    protected Stream<Arguments> clientModes() {
        return Stream.of(
                Arguments.of(Named.of("path-style, default checksums", true, false)),
                Arguments.of(Named.of("path-style, checksums when required", true, true)),
                Arguments.of(Named.of("virtual-hosted, default checksums", false, false)),
                Arguments.of(Named.of("virtual-hosted, checksums when required", false, true)));
    }

    /** How a parameterized test names its client mode. */
    public record Named(String name, boolean pathStyle, boolean whenRequired) {
        static Named of(String name, boolean pathStyle, boolean whenRequired) {
            return new Named(name, pathStyle, whenRequired);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    protected S3Client client(Named mode) {
        return client(mode.pathStyle(), mode.whenRequired(), ROOT_ACCESS, ROOT_SECRET);
    }

    protected S3Client rootClient() {
        return client(true, false, ROOT_ACCESS, ROOT_SECRET);
    }

    protected S3Client client(boolean pathStyle, boolean whenRequired, String accessKey, String secretKey) {
        S3Client c = S3Client.builder()
                .endpointOverride(URI.create("http://" + (pathStyle ? "127.0.0.1" : DOMAIN) + ":" + s3Port))
                .region(Region.of(REGION))
                .forcePathStyle(pathStyle)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(whenRequired
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(whenRequired
                        ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
                .httpClient(ApacheHttpClient.builder()
                        .dnsResolver(host -> host.toLowerCase(Locale.ROOT).endsWith(".localhost")
                                || host.equalsIgnoreCase("localhost")
                                ? new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})}
                                : InetAddress.getAllByName(host))
                        .build())
                .build();
        clients.add(c);
        return c;
    }

    /** A fresh valid bucket name. */
    protected static String newBucketName(String hint) {
        return (hint + "-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff))
                .toLowerCase(Locale.ROOT);
    }

    // ---- raw HTTP, for what SDKs will not send ---------------------------------------------------

    /** A raw HTTP response: status, headers (names as sent, in order) and body. */
    public record RawResponse(int status, String statusLine, List<Map.Entry<String, String>> headers, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, String> e : headers) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        public boolean hasHeaderNamedExactly(String name) {
            return headers.stream().anyMatch(e -> e.getKey().equals(name));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Signs a request with SigV4 (UNSIGNED-PAYLOAD) as {@code accessKey} at the given clock and returns the
     * header block to send; {@code pathAndQuery} must already be percent-encoded.
     */
    protected Map<String, String> signedHeaders(String method, String pathAndQuery, Map<String, String> extra,
                                                String accessKey, String secretKey, Clock clock) {
        return signedHeaders(method, pathAndQuery, extra, accessKey, secretKey, clock, null);
    }

    /**
     * As above; with {@code signedPayload} non-null the SHA-256 of those bytes is signed as
     * x-amz-content-sha256 (send other bytes to provoke XAmzContentSHA256Mismatch).
     */
    protected Map<String, String> signedHeaders(String method, String pathAndQuery, Map<String, String> extra,
                                                String accessKey, String secretKey, Clock clock,
                                                byte[] signedPayload) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(URI.create("http://127.0.0.1:" + s3Port + pathAndQuery));
        extra.forEach(b::putHeader);
        if (signedPayload == null) {
            b.putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        }
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secretKey))
                .request(b.build())
                .payload(signedPayload == null ? null : ContentStreamProvider.fromByteArray(signedPayload))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signedPayload != null)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().headers().forEach((k, v) -> headers.put(k, v.get(0)));
        return headers;
    }

    protected Map<String, String> signedHeaders(String method, String pathAndQuery, Map<String, String> extra) {
        return signedHeaders(method, pathAndQuery, extra, ROOT_ACCESS, ROOT_SECRET, Clock.systemUTC());
    }

    /** Sends one request over a fresh socket and reads one response (Content-Length framed or to EOF). */
    protected RawResponse raw(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(20_000);
            writeRequest(s.getOutputStream(), method, pathAndQuery, headers, body);
            return readResponse(s.getInputStream(), method.equals("HEAD"));
        }
    }

    protected static void writeRequest(OutputStream out, String method, String pathAndQuery,
                                       Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
        boolean hasHost = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("host"));
        if (!hasHost) {
            sb.append("Host: 127.0.0.1\r\n");
        }
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        if (body != null && headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-length"))) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    protected static RawResponse readResponse(InputStream in, boolean head) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        RawResponse r = new RawResponse(status, statusLine, headers, new byte[0]);
        byte[] body;
        String cl = r.header("Content-Length");
        if (head || status == 204 || status == 304 || status == 100) {
            body = new byte[0];
        } else if (cl != null) {
            body = in.readNBytes(Integer.parseInt(cl));
        } else {
            body = in.readAllBytes();
        }
        return new RawResponse(status, statusLine, headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** GET on the management port; returns status and body. */
    protected RawResponse management(String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", managementPort)) {
            s.setSoTimeout(20_000);
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.putIfAbsent("Connection", "close");
            writeRequest(s.getOutputStream(), method, path, h, body);
            return readResponse(s.getInputStream(), method.equals("HEAD"));
        }
    }
}
