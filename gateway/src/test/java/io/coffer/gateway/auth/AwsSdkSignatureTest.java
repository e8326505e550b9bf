package io.coffer.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.checksum.BodyDigestResult;
import io.coffer.gateway.checksum.BodyDigests;
import io.coffer.gateway.checksum.ChecksumAlgorithm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Cross-checks the verifier and the aws-chunked decoder against what the real AWS SDK for Java v2 signer
 * produces: header and presigned signatures, and chunked bodies with signed and unsigned trailers.
 */
class AwsSdkSignatureTest {

    private static final String ACCESS_KEY = "AKIDCOFFERTEST";
    private static final String SECRET = "coffer/secret+key/for/tests0123456789abcd";
    private static final Instant NOW = Instant.parse("2026-11-29T07:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(
            k -> ACCESS_KEY.equals(k) ? Optional.of(new Credentials(ACCESS_KEY, SECRET)) : Optional.empty(),
            "us-east-1", CLOCK);

    private static SignedRequest sign(SdkHttpRequest request, byte[] payload,
                                      java.util.function.Consumer<SignRequest.Builder<AwsCredentialsIdentity>> extra) {
        return AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(ACCESS_KEY, SECRET))
                    .request(request)
                    .payload(payload == null ? null : ContentStreamProvider.fromByteArray(payload))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK);
            extra.accept(r);
        });
    }

    /** The signed SDK request as our server-side view: the wire path and query, headers plus Host. */
    private static SigV4Request view(SdkHttpRequest signed) {
        URI uri = signed.getUri();
        Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
        if (headers.keySet().stream().noneMatch("host"::equalsIgnoreCase)) {
            headers.put("Host", List.of(uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort()));
        }
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return SigV4Request.of(signed.method().name(), target, headers);
    }

    private static SdkHttpRequest.Builder request(SdkHttpMethod method, String encodedPath) {
        return SdkHttpRequest.builder().method(method).protocol("https").host("127.0.0.1").port(9000)
                .encodedPath(encodedPath);
    }

    @Test
    void sdkHeaderSignedListRequestWithAwkwardQueryVerifies() {
        SdkHttpRequest req = request(SdkHttpMethod.GET, "/bucket")
                .putRawQueryParameter("list-type", "2")
                .putRawQueryParameter("prefix", "photos/2024 summer+fun/ü")
                .putRawQueryParameter("delimiter", "/")
                .putRawQueryParameter("continuation-token", "a=b&c")
                .putHeader("x-amz-content-sha256", S3Examples.EMPTY_SHA)
                .build();
        SignedRequest signed = sign(req, null, r -> { });
        AuthResult result = VERIFIER.verify(view(signed.request()));
        assertEquals(ACCESS_KEY, result.accessKey());
        assertEquals(AuthMethod.HEADER, result.method());
    }

    @Test
    void sdkHeaderSignedPutOfAwkwardKeyWithSignedPayloadVerifies() {
        byte[] payload = "hello, coffer".getBytes();
        // The key "dir/a b+c~!'()*.txt" as the S3 client encodes it on the wire.
        SdkHttpRequest req = request(SdkHttpMethod.PUT, "/bucket/dir/a%20b%2Bc~%21%27%28%29%2A.txt")
                .putHeader("Content-Length", String.valueOf(payload.length))
                .putHeader("x-amz-meta-Colour", "  deep   blue ")
                .build();
        SignedRequest signed = sign(req, payload, r -> r.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED,
                true));
        AuthResult result = VERIFIER.verify(view(signed.request()));
        assertEquals(PayloadMode.SIGNED, result.payloadMode());
        assertEquals(SigningCrypto.sha256Hex(payload), result.payloadSha256());
    }

    @Test
    void sdkSignatureOnOneKeyDoesNotVerifyForAnother() {
        SdkHttpRequest req = request(SdkHttpMethod.GET, "/bucket/a").putHeader("x-amz-content-sha256",
                S3Examples.EMPTY_SHA).build();
        SdkHttpRequest signed = sign(req, null, r -> { }).request();
        SigV4Request original = view(signed);
        SigV4Request moved = SigV4Request.of("GET", "/bucket/b", Map.of(
                "Host", List.of(original.host()),
                "x-amz-date", List.of(original.header("x-amz-date")),
                "x-amz-content-sha256", List.of(S3Examples.EMPTY_SHA),
                "Authorization", List.of(original.header("authorization"))));
        assertEquals("SignatureDoesNotMatch", assertThrows(AuthException.class, () -> VERIFIER.verify(moved)).code());
    }

    @Test
    void sdkPresignedGetVerifiesUntilItExpires() {
        SdkHttpRequest req = request(SdkHttpMethod.GET, "/bucket/report%202026.pdf")
                .putRawQueryParameter("response-content-disposition", "attachment; filename=\"r.pdf\"")
                .build();
        // As the S3 presigner does: the payload is not signed (UNSIGNED-PAYLOAD).
        SignedRequest signed = sign(req, null, r -> r
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofDays(7)));
        SigV4Request view = view(signed.request());
        AuthResult result = VERIFIER.verify(view);
        assertEquals(AuthMethod.PRESIGNED, result.method());
        assertEquals(PayloadMode.UNSIGNED, result.payloadMode());
        SigV4Verifier later = new SigV4Verifier(k -> Optional.of(new Credentials(ACCESS_KEY, SECRET)), "us-east-1",
                Clock.fixed(NOW.plus(Duration.ofDays(7)).plusSeconds(1), ZoneOffset.UTC));
        AuthException e = assertThrows(AuthException.class, () -> later.verify(view));
        assertEquals("Request has expired", e.getMessage());
    }

    @Test
    void s3PresignerUrlsForGetAndPutVerify() {
        SigV4Verifier verifier = new SigV4Verifier(
                k -> Optional.of(new Credentials(ACCESS_KEY, SECRET)), "us-east-1", Clock.systemUTC());
        try (S3Presigner presigner = S3Presigner.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
                .endpointOverride(URI.create("http://127.0.0.1:9000"))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build()) {
            PresignedGetObjectRequest get = presigner.presignGetObject(p -> p
                    .signatureDuration(Duration.ofMinutes(10))
                    .getObjectRequest(g -> g.bucket("bucket").key("dir/naïve file+1.txt")
                            .responseContentType("text/plain; charset=utf-8")));
            AuthResult getResult = verifier.verify(view(get.httpRequest()));
            assertEquals(AuthMethod.PRESIGNED, getResult.method());
            assertEquals(ACCESS_KEY, getResult.accessKey());

            PresignedPutObjectRequest put = presigner.presignPutObject(p -> p
                    .signatureDuration(Duration.ofMinutes(10))
                    .putObjectRequest(o -> o.bucket("bucket").key("upload.bin").contentType("application/x-test")));
            SigV4Request putView = view(put.httpRequest().toBuilder()
                    .putHeader("Content-Type", "application/x-test").build());
            assertEquals(PayloadMode.UNSIGNED, verifier.verify(putView).payloadMode());
        }
    }

    // ---- aws-chunked bodies from the SDK ----------------------------------------------------------------------

    private static byte[] readAll(ContentStreamProvider provider) {
        try (InputStream in = provider.newStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static software.amazon.awssdk.checksums.spi.ChecksumAlgorithm sdkAlgorithm(ChecksumAlgorithm a) {
        return switch (a) {
            case CRC32 -> DefaultChecksumAlgorithm.CRC32;
            case CRC32C -> DefaultChecksumAlgorithm.CRC32C;
            case SHA1 -> DefaultChecksumAlgorithm.SHA1;
            case SHA256 -> DefaultChecksumAlgorithm.SHA256;
            case CRC64NVME -> DefaultChecksumAlgorithm.CRC64NVME;
        };
    }

    /** Signs a PUT with chunk encoding the way the S3 client does, verifies it and decodes the body. */
    private static void roundTripChunked(boolean payloadSigning, ChecksumAlgorithm checksum, PayloadMode expected) {
        byte[] payload = new byte[300_000];
        new Random(11).nextBytes(payload);
        SdkHttpRequest req = request(SdkHttpMethod.PUT, "/bucket/big.bin")
                .putHeader("Content-Length", String.valueOf(payload.length))
                .build();
        SignedRequest signed = sign(req, payload, r -> {
            r.putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigning);
            if (checksum != null) {
                r.putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, sdkAlgorithm(checksum));
            }
        });
        SigV4Request view = view(signed.request());
        AuthResult auth = VERIFIER.verify(view);
        assertEquals(expected, auth.payloadMode());
        byte[] body = readAll(signed.payload().orElseThrow());

        AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(auth, view);
        BodyDigests digests = new BodyDigests(checksum, false);
        List<ByteBuf> inputs = new ArrayList<>();
        Random random = new Random(5);
        List<byte[]> pieces = new ArrayList<>();
        for (int off = 0; off < body.length; ) {
            int n = Math.min(body.length - off, 1 + random.nextInt(9000));
            pieces.add(Arrays.copyOfRange(body, off, off + n));
            off += n;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        decoder.decode(Flux.fromIterable(pieces).map(p -> {
            ByteBuf b = Unpooled.buffer(p.length).writeBytes(p);
            inputs.add(b);
            return b;
        })).doOnNext(b -> {
            digests.update(b);
            byte[] copy = new byte[b.readableBytes()];
            b.readBytes(copy);
            out.writeBytes(copy);
            b.release();
        }).blockLast();
        assertArrayEquals(payload, out.toByteArray());
        inputs.forEach(b -> assertEquals(0, b.refCnt()));
        if (checksum != null) {
            assertEquals(checksum.headerName(), view.header("x-amz-trailer"));
            String trailer = decoder.trailer(checksum.headerName()).orElseThrow();
            BodyDigestResult result = digests.finish();
            result.checkChecksum(trailer);
            assertEquals(result.checksumBase64(), trailer);
        }
    }

    @Test
    void sdkStreamingSignedPayloadVerifiesAndDecodes() {
        roundTripChunked(true, null, PayloadMode.STREAMING_SIGNED);
    }

    @ParameterizedTest
    @EnumSource(value = ChecksumAlgorithm.class, names = {"CRC32", "CRC32C", "SHA1", "SHA256"})
    void sdkStreamingSignedPayloadWithChecksumTrailerVerifiesAndDecodes(ChecksumAlgorithm checksum) {
        roundTripChunked(true, checksum, PayloadMode.STREAMING_SIGNED_TRAILER);
    }

    @ParameterizedTest
    @EnumSource(value = ChecksumAlgorithm.class, names = {"CRC32", "CRC32C", "SHA1", "SHA256"})
    void sdkStreamingUnsignedPayloadWithChecksumTrailerDecodes(ChecksumAlgorithm checksum) {
        roundTripChunked(false, checksum, PayloadMode.STREAMING_UNSIGNED_TRAILER);
    }

    @Test
    void sdkSignedChunkedBodyWithTamperedByteFails() {
        byte[] payload = new byte[100_000];
        SdkHttpRequest req = request(SdkHttpMethod.PUT, "/bucket/k")
                .putHeader("Content-Length", String.valueOf(payload.length)).build();
        SignedRequest signed = sign(req, payload, r -> r
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, true)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(AwsV4FamilyHttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32C));
        SigV4Request view = view(signed.request());
        AuthResult auth = VERIFIER.verify(view);
        byte[] body = readAll(signed.payload().orElseThrow());
        body[body.length / 2] ^= 1;
        AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(auth, view);
        AuthException e = assertThrows(AuthException.class, () -> decoder.decode(
                Flux.just(Unpooled.wrappedBuffer(body))).doOnNext(ByteBuf::release).blockLast());
        assertEquals("SignatureDoesNotMatch", e.code());
        assertNotNull(e.getMessage());
        assertTrue(decoder.trailer("x-amz-checksum-crc32c").isEmpty());
    }
}
