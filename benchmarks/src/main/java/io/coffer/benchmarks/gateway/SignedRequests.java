package io.coffer.benchmarks.gateway;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Request heads signed by the AWS SDK v2's own SigV4 signer, as a client would send them to
 * {@link EmbeddedGateway} (path style, host 127.0.0.1:9000). Signing happens in benchmark set-up,
 * never in the measured path.
 */
public final class SignedRequests {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 9000;

    /** How a PUT's body travels. */
    public enum PutBody {
        /** {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}, a plain body, no checksum (aws-cli style). */
        UNSIGNED,
        /**
         * The AWS SDK v2 default over http: aws-chunked with {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}
         * and an {@code x-amz-checksum-crc32} trailer, so the gateway decodes chunks and checks a CRC32.
         */
        CHUNKED_CRC32_TRAILER
    }

    private SignedRequests() {
    }

    /** The path of {@code key} in {@code bucket} (keys here need no percent-encoding). */
    static String uri(String bucket, String key) {
        return "/" + bucket + (key == null ? "" : "/" + key);
    }

    /** Headers of a body-less request (GET, HEAD, DELETE, or a PUT with an empty body). */
    static HttpHeaders empty(SdkHttpMethod method, String uri) {
        return sign(method, uri, Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), 0);
    }

    /** Headers of a PUT of {@code payload} sent as {@code mode}; the wire body is {@link #wireBody}. */
    static HttpHeaders put(String uri, byte[] payload, PutBody mode) {
        return switch (mode) {
            case UNSIGNED -> sign(SdkHttpMethod.PUT, uri, Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                    payload.length);
            case CHUNKED_CRC32_TRAILER -> sign(SdkHttpMethod.PUT, uri, Map.of(
                    "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                    "Content-Encoding", "aws-chunked",
                    "x-amz-decoded-content-length", Integer.toString(payload.length),
                    "x-amz-trailer", "x-amz-checksum-crc32",
                    "x-amz-sdk-checksum-algorithm", "CRC32"), wireBody(payload, mode).length);
        };
    }

    /** The bytes a client puts on the wire for {@code payload} sent as {@code mode}. */
    static byte[] wireBody(byte[] payload, PutBody mode) {
        if (mode == PutBody.UNSIGNED) {
            return payload;
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        String crc32 = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        byte[] head = (Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n0\r\nx-amz-checksum-crc32:" + crc32 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] wire = new byte[head.length + payload.length + tail.length];
        System.arraycopy(head, 0, wire, 0, head.length);
        System.arraycopy(payload, 0, wire, head.length, payload.length);
        System.arraycopy(tail, 0, wire, head.length + payload.length, tail.length);
        return wire;
    }

    private static HttpHeaders sign(SdkHttpMethod method, String uri, Map<String, String> extra, long contentLength) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(method)
                .uri(URI.create("http://" + HOST + ":" + PORT + uri))
                .putHeader("amz-sdk-invocation-id", "6c7c2a64-9b7a-4d0f-8a41-1c2d1ef0a3b1")
                .putHeader("amz-sdk-request", "attempt=1; max=4")
                .putHeader("User-Agent", "aws-sdk-java/2.x coffer-benchmark");
        extra.forEach(b::putHeader);
        if (contentLength > 0 || method == SdkHttpMethod.PUT) {
            b.putHeader("Content-Length", Long.toString(contentLength));
        }
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(EmbeddedGateway.ACCESS_KEY, EmbeddedGateway.SECRET_KEY))
                .request(b.build())
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, EmbeddedGateway.REGION)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC())).request();
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!signed.firstMatchingHeader("Host").isPresent()) {
            headers.add("Host", HOST + ":" + PORT);
        }
        signed.forEachHeader((name, values) -> values.forEach(v -> headers.add(name, v)));
        return headers;
    }
}
