package io.coffer.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The data plane's HTTP and authentication behaviour, seen from real clients and raw sockets. */
class S3ServerProtocolTest extends GatewayTestBase {

    @ParameterizedTest
    @MethodSource("clientModes")
    void wrongSecretIsSignatureDoesNotMatch403(Named mode) {
        S3Client bad = client(mode.pathStyle(), mode.whenRequired(), ROOT_ACCESS, "wrong-secret-wrong-secret-wrong-secret!!");
        S3Exception e = assertThrows(S3Exception.class, bad::listBuckets);
        assertEquals(403, e.statusCode());
        assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void unknownAccessKeyIsInvalidAccessKeyId403(Named mode) {
        S3Client bad = client(mode.pathStyle(), mode.whenRequired(), "CFUNKNOWNUNKNOWN0000", ROOT_SECRET);
        S3Exception e = assertThrows(S3Exception.class, () -> bad.createBucket(b -> b.bucket(newBucketName("nokey"))));
        assertEquals(403, e.statusCode());
        assertEquals("InvalidAccessKeyId", e.awsErrorDetails().errorCode());
    }

    @Test
    void skewedClockIsRequestTimeTooSkewed403() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        RawResponse r = raw("GET", "/", signedHeaders("GET", "/", Map.of(), ROOT_ACCESS, ROOT_SECRET, past), null);
        assertEquals(403, r.status());
        assertTrue(r.bodyText().contains("<Code>RequestTimeTooSkewed</Code>"), r.bodyText());
        Clock near = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
        assertEquals(200, raw("GET", "/", signedHeaders("GET", "/", Map.of(), ROOT_ACCESS, ROOT_SECRET, near), null).status());
    }

    @Test
    void anonymousRequestsAreAccessDenied() throws Exception {
        RawResponse r = raw("GET", "/", Map.of(), null);
        assertEquals(403, r.status());
        assertTrue(r.bodyText().contains("<Code>AccessDenied</Code>"));
    }

    @Test
    void errorBodyIsExactS3Xml() throws Exception {
        String path = "/" + newBucketName("nosuch") + "?list-type=2";
        RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
        assertEquals(404, r.status());
        assertEquals("application/xml", r.header("Content-Type"));
        String id = r.header("x-amz-request-id");
        assertEquals(16, id.length());
        String bucket = path.substring(1, path.indexOf('?'));
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
                + "<Message>The specified bucket does not exist</Message><Resource>/" + bucket + "</Resource>"
                + "<RequestId>" + id + "</RequestId></Error>", r.bodyText());
        assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
    }

    @Test
    void responsesUseS3HeaderNamesAndContentLengthNeverChunked() throws Exception {
        RawResponse r = raw("GET", "/", signedHeaders("GET", "/", Map.of()), null);
        assertEquals(200, r.status());
        assertTrue(r.hasHeaderNamedExactly("x-amz-request-id"));
        assertTrue(r.hasHeaderNamedExactly("x-amz-id-2"));
        assertTrue(r.hasHeaderNamedExactly("Server"));
        assertTrue(r.hasHeaderNamedExactly("Date"));
        assertTrue(r.hasHeaderNamedExactly("Content-Length"));
        assertEquals("Coffer", r.header("Server"));
        assertNull(r.header("Transfer-Encoding"));
        assertTrue(r.header("Date").endsWith(" GMT"), r.header("Date"));
        assertEquals(Integer.parseInt(r.header("Content-Length")), r.body().length);
    }

    @Test
    void headBucketHasNoBodyAndHeadErrorsKeepTheirStatus() throws Exception {
        String bucket = newBucketName("head");
        rootClient().createBucket(b -> b.bucket(bucket));
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            // two HEADs on one keep-alive connection: if the first carried a body, the second would misparse
            writeRequest(s.getOutputStream(), "HEAD", "/" + bucket, signedHeaders("HEAD", "/" + bucket, Map.of()), null);
            RawResponse first = readResponse(s.getInputStream(), true);
            assertEquals(200, first.status());
            assertEquals("us-east-1", first.header("x-amz-bucket-region"));
            String missing = "/" + bucket + "-missing";
            writeRequest(s.getOutputStream(), "HEAD", missing, signedHeaders("HEAD", missing, Map.of()), null);
            RawResponse second = readResponse(s.getInputStream(), true);
            assertEquals(404, second.status());
            assertNotNull(second.header("Content-Length"));
        }
    }

    @Test
    void notImplementedOperationIs501() throws Exception {
        String bucket = newBucketName("ni");
        rootClient().createBucket(b -> b.bucket(bucket));
        String path = "/" + bucket + "?website";
        RawResponse r = raw("GET", path, signedHeaders("GET", path, Map.of()), null);
        assertEquals(501, r.status());
        assertTrue(r.bodyText().contains("<Code>NotImplemented</Code>"));
        RawResponse patch = raw("PATCH", "/" + bucket, signedHeaders("PATCH", "/" + bucket, Map.of()), null);
        assertEquals(501, patch.status());
    }

    @Test
    void malformedUriIsInvalidUri400NotA500() throws Exception {
        RawResponse r = raw("GET", "/bucket/%zz", Map.of(), null);
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("<Code>InvalidURI</Code>"), r.bodyText());
    }

    @Test
    void malformedXmlBodyIsMalformedXml400() throws Exception {
        String bucket = newBucketName("xml");
        byte[] body = "<CreateBucketConfiguration><LocationConstraint>".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", "/" + bucket, Map.of()));
        RawResponse r = raw("PUT", "/" + bucket, h, body);
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("<Code>MalformedXML</Code>"), r.bodyText());
    }

    @Test
    void signedPayloadHashMismatchIsXAmzContentSha256Mismatch() throws Exception {
        String bucket = newBucketName("sha");
        byte[] signed = "<CreateBucketConfiguration/>".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "<CreateBucketConfiguration></CreateBucketConfiguration>".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = signedHeaders("PUT", "/" + bucket, Map.of(), ROOT_ACCESS, ROOT_SECRET,
                Clock.systemUTC(), signed);
        RawResponse r = raw("PUT", "/" + bucket, h, sent);
        assertEquals(400, r.status(), r.bodyText());
        assertTrue(r.bodyText().contains("<Code>XAmzContentSHA256Mismatch</Code>"), r.bodyText());
        // the bucket was not created: nothing commits before the body is verified
        assertEquals(404, raw("HEAD", "/" + bucket, signedHeaders("HEAD", "/" + bucket, Map.of()), null).status());

        String ok = newBucketName("sha");
        RawResponse good = raw("PUT", "/" + ok, signedHeaders("PUT", "/" + ok, Map.of(), ROOT_ACCESS, ROOT_SECRET,
                Clock.systemUTC(), signed), signed);
        assertEquals(200, good.status(), good.bodyText());
    }

    @Test
    void expectContinueGetsNoContinueWhenAuthenticationFails() throws Exception {
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String bucket = newBucketName("expect");
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", "/" + bucket, Map.of(),
                    ROOT_ACCESS, "not-the-secret-not-the-secret-not-the-se", Clock.systemUTC()));
            h.put("Expect", "100-continue");
            h.put("Content-Length", "10");
            writeRequest(out, "PUT", "/" + bucket, h, null);
            InputStream in = s.getInputStream();
            RawResponse r = readResponse(in, false);
            // the final answer comes first: no "100 Continue" for a request that failed authentication
            assertEquals(403, r.status(), r.statusLine());
            assertTrue(r.bodyText().contains("SignatureDoesNotMatch"));
            assertEquals("close", r.header("Connection"));
        }
    }

    @Test
    void expectContinueGets100OnceAuthenticated() throws Exception {
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String bucket = newBucketName("expect");
            byte[] body = "<CreateBucketConfiguration/>".getBytes(StandardCharsets.UTF_8);
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", "/" + bucket, Map.of()));
            h.put("Expect", "100-continue");
            h.put("Content-Length", String.valueOf(body.length));
            writeRequest(out, "PUT", "/" + bucket, h, null);
            InputStream in = s.getInputStream();
            RawResponse cont = readResponse(in, false);
            assertEquals(100, cont.status(), cont.statusLine());
            out.write(body);
            out.flush();
            RawResponse done = readResponse(in, false);
            assertEquals(200, done.status(), done.bodyText());
        }
        assertFalse(rootClient().listBuckets().buckets().isEmpty());
    }

    @Test
    void pastTheConcurrencyLimitRequestsGetSlowDown503() throws Exception {
        ConcurrencyLimit limit = context.getBean(S3Server.class).concurrencyLimit();
        // earlier requests release their slot just after their last response byte; wait for them,
        // or a late release would free a slot after this test thinks it holds them all
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (limit.inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, limit.inFlight());
        int held = 0;
        try {
            // occupy every slot, as that many slow requests in flight would
            while (limit.tryAcquire()) {
                held++;
            }
            assertEquals(limit.max(), held);
            RawResponse r = raw("GET", "/", signedHeaders("GET", "/", Map.of()), null);
            assertEquals(503, r.status());
            assertTrue(r.bodyText().contains("<Code>SlowDown</Code>"), r.bodyText());
            assertNotNull(r.header("x-amz-request-id"));
            S3Exception e = assertThrows(S3Exception.class, () -> rootClient().listBuckets());
            assertEquals(503, e.statusCode());
            assertEquals("SlowDown", e.awsErrorDetails().errorCode());
        } finally {
            for (int i = 0; i < held; i++) {
                limit.release();
            }
        }
        assertEquals(200, raw("GET", "/", signedHeaders("GET", "/", Map.of()), null).status());
    }

    @Test
    void slotsAreReturnedAfterEveryRequest() throws Exception {
        ConcurrencyLimit limit = context.getBean(S3Server.class).concurrencyLimit();
        for (int i = 0; i < 5; i++) {
            raw("GET", "/", signedHeaders("GET", "/", Map.of()), null);
            raw("GET", "/nosuch-" + i, Map.of(), null);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (limit.inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the slot is released just after the last response byte is written
        }
        assertEquals(0, limit.inFlight());
    }

    @Test
    void malformedAuthenticationIsA4xxNeverA500() throws Exception {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(Instant.now());
        for (String auth : java.util.List.of("AWS4-HMAC-SHA256 garbage", "AWS4-HMAC-SHA256",
                "AWS4-HMAC-SHA256 Credential=CFX/2020/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=zz",
                "AWS4-HMAC-SHA256 Credential=" + ROOT_ACCESS + "/" + date.substring(0, 8)
                        + "/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64),
                "Bearer token", "AWS onlyakey")) {
            RawResponse r = raw("GET", "/", Map.of("Authorization", auth, "x-amz-date", date,
                    "x-amz-content-sha256", "UNSIGNED-PAYLOAD"), null);
            assertTrue(r.status() >= 400 && r.status() < 500, auth + " -> " + r.status() + " " + r.bodyText());
            assertTrue(r.bodyText().startsWith("<?xml"), r.bodyText());
        }
        String presigned = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=bad&X-Amz-Date=x&X-Amz-Expires=1"
                + "&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
        RawResponse r = raw("GET", presigned, Map.of(), null);
        assertTrue(r.status() >= 400 && r.status() < 500, r.status() + " " + r.bodyText());
    }

    @Test
    void requestIdsDifferPerRequest() throws Exception {
        String a = raw("GET", "/", signedHeaders("GET", "/", Map.of()), null).header("x-amz-request-id");
        String b = raw("GET", "/", signedHeaders("GET", "/", Map.of()), null).header("x-amz-request-id");
        assertFalse(a.equals(b));
    }

    @Test
    void chunkedPutWithoutContentLengthIsStored() throws Exception {
        String bucket = newBucketName("chunked");
        rootClient().createBucket(b -> b.bucket(bucket));
        String path = "/" + bucket + "/te";
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", path, Map.of()));
            h.put("Transfer-Encoding", "chunked");
            writeRequest(s.getOutputStream(), "PUT", path, h, null);
            s.getOutputStream().write("3\r\nbar\r\n4\r\n-baz\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            RawResponse r = readResponse(s.getInputStream(), false);
            assertEquals(200, r.status(), r.bodyText());
        }
        assertEquals("bar-baz", rootClient().getObjectAsBytes(b -> b.bucket(bucket).key("te")).asUtf8String());
    }

    @Test
    void chunkedPutPastTheReadAheadIsMissingContentLength411() throws Exception {
        String bucket = newBucketName("chunked");
        rootClient().createBucket(b -> b.bucket(bucket));
        String path = "/" + bucket + "/big";
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(20_000);
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", path, Map.of()));
            h.put("Transfer-Encoding", "chunked");
            writeRequest(s.getOutputStream(), "PUT", path, h, null);
            byte[] chunk = new byte[1 << 20];
            OutputStream out = s.getOutputStream();
            try {
                for (int i = 0; i < 6; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may answer and close before the last chunk
            }
            RawResponse r = readResponse(s.getInputStream(), false);
            assertEquals(411, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("MissingContentLength"));
        }
    }

    @Test
    void optionsWithoutOriginIs400BeforeAuthentication() throws Exception {
        RawResponse r = raw("OPTIONS", "/" + newBucketName("opt") + "/k?X-Amz-Signature=x", Map.of(), null);
        assertEquals(400, r.status(), r.bodyText());
    }

    @Test
    void nonAsciiMetadataSignedAsUtf8Verifies() throws Exception {
        String bucket = newBucketName("utf8");
        rootClient().createBucket(b -> b.bucket(bucket));
        String latin = "/" + bucket + "/latin";
        // writeRequest sends the header block as UTF-8, the bytes the signer hashed
        RawResponse r = raw("PUT", latin, signedHeaders("PUT", latin, Map.of("x-amz-meta-meta1", "Hello World\u00e9")),
                new byte[0]);
        assertEquals(200, r.status(), r.bodyText());
        String wide = "/" + bucket + "/wide";
        assertEquals(200, raw("PUT", wide, signedHeaders("PUT", wide, Map.of("x-amz-meta-meta1", "\u4e16\u754c")),
                new byte[0]).status());
        // readResponse reads each header byte as one char: text that fits Latin-1 goes out as Latin-1 (how HTTP
        // clients read header bytes), wider text as its UTF-8 bytes
        RawResponse latinGet = raw("GET", latin, signedHeaders("GET", latin, Map.of()), null);
        assertEquals("Hello World\u00e9", latinGet.header("x-amz-meta-meta1"));
        RawResponse wideGet = raw("GET", wide, signedHeaders("GET", wide, Map.of()), null);
        assertEquals("\u4e16\u754c", new String(wideGet.header("x-amz-meta-meta1").getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    @Test
    void bodyShorterThanItsDigestClosesTheConnection() throws Exception {
        String bucket = newBucketName("digest");
        rootClient().createBucket(b -> b.bucket(bucket));
        String path = "/" + bucket + "/short";
        try (Socket s = new Socket("127.0.0.1", s3Port)) {
            s.setSoTimeout(10_000);
            // Content-MD5 of "bar", but Content-Length 2: the third byte would start the next request
            Map<String, String> h = new LinkedHashMap<>(signedHeaders("PUT", path,
                    Map.of("Content-MD5", "N7UdGUp1E+RbVvZSTy1R8g==")));
            h.put("Content-Length", "2");
            writeRequest(s.getOutputStream(), "PUT", path, h, "bar".getBytes(StandardCharsets.US_ASCII));
            RawResponse r = readResponse(s.getInputStream(), false);
            assertEquals(400, r.status());
            assertTrue(r.bodyText().contains("BadDigest"), r.bodyText());
            assertEquals("close", r.header("Connection"));
        }
    }
}
