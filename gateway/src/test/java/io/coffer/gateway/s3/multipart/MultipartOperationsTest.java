package io.coffer.gateway.s3.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Multipart uploads end to end with the AWS SDK v2. */
class MultipartOperationsTest extends GatewayTestBase {
    private static final int MIB = 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private String bucket;

    @BeforeAll
    void createBucket() {
        bucket = newBucketName("multipart");
        rootClient().createBucket(b -> b.bucket(bucket));
    }

    Stream<Arguments> modes() {
        return Stream.of(Arguments.of(new Named("path-style, default checksums", true, false)),
                Arguments.of(new Named("virtual-hosted, checksums when required", false, true)));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] md5(byte[] b, int off, int len) throws Exception {
        MessageDigest d = MessageDigest.getInstance("MD5");
        d.update(b, off, len);
        return d.digest();
    }

    /** Uploads {@code data} in parts of the given sizes and completes; returns the completed ETag. */
    private String upload(S3Client s3, String key, byte[] data, int[] sizes, ChecksumAlgorithm algorithm) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/x-mp")
                .checksumAlgorithm(algorithm)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < sizes.length; i++) {
            int n = i + 1;
            byte[] part = Arrays.copyOfRange(data, off, off + sizes[i]);
            off += sizes[i];
            var r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)
                    .checksumAlgorithm(algorithm), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumCRC32(r.checksumCRC32())
                    .checksumCRC32C(r.checksumCRC32C()).checksumSHA256(r.checksumSHA256()).build());
        }
        return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts))).eTag();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void threePartUploadReadsBackWithCompositeEtag(Named mode) throws Exception {
        S3Client s3 = client(mode);
        int[] sizes = {8 * MIB, 8 * MIB, 4 * MIB};
        byte[] data = random(20 * MIB);
        String key = "mp20-" + mode.pathStyle();
        String etag = upload(s3, key, data, sizes, null);
        ByteArrayOutputStream md5s = new ByteArrayOutputStream();
        int off = 0;
        for (int s : sizes) {
            md5s.write(md5(data, off, s));
            off += s;
        }
        byte[] all = md5s.toByteArray();
        assertEquals("\"" + HexFormat.of().formatHex(md5(all, 0, all.length)) + "-3\"", etag);
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertArrayEquals(data, got.asByteArray());
        assertEquals("application/x-mp", got.response().contentType());
        assertEquals(etag, got.response().eTag());
        // a range across the boundary of parts 1 and 2
        int from = 8 * MIB - 100;
        assertArrayEquals(Arrays.copyOfRange(data, from, from + 300), s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)
                .range("bytes=" + from + "-" + (from + 299))).asByteArray());
        // partNumber reads one part
        ResponseBytes<GetObjectResponse> part3 = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).partNumber(3));
        assertArrayEquals(Arrays.copyOfRange(data, 16 * MIB, 20 * MIB), part3.asByteArray());
        assertEquals(3, part3.response().partsCount());
        assertEquals(3, s3.headObject(b -> b.bucket(bucket).key(key).partNumber(1)).partsCount());
        S3Exception beyond = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).partNumber(4)));
        assertEquals(400, beyond.statusCode());
        assertEquals("InvalidPart", beyond.awsErrorDetails().errorCode());
        var attrs = s3.getObjectAttributes(b -> b.bucket(bucket).key(key).objectAttributes(
                software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_PARTS));
        assertEquals(3, attrs.objectParts().totalPartsCount());
        // the test store is 64 MiB: give the space back
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Test
    void partsWithChecksumsGetACompositeChecksum() {
        S3Client s3 = rootClient();
        byte[] data = random(5 * MIB + 1);
        String etag = upload(s3, "mp-crc", data, new int[] {5 * MIB, 1}, ChecksumAlgorithm.CRC32);
        assertTrue(etag.endsWith("-2\""));
        var head = s3.headObject(b -> b.bucket(bucket).key("mp-crc").checksumMode(ChecksumMode.ENABLED));
        assertTrue(head.checksumCRC32() != null && head.checksumCRC32().endsWith("-2"), head.checksumCRC32());
        assertArrayEquals(data, s3.getObjectAsBytes(b -> b.bucket(bucket).key("mp-crc")).asByteArray());
        s3.deleteObject(b -> b.bucket(bucket).key("mp-crc"));
    }

    @Test
    void smallPartBeforeTheLastIsEntityTooSmall() {
        S3Client s3 = rootClient();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("small")).uploadId();
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key("small").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(random(1000)));
        var p2 = s3.uploadPart(b -> b.bucket(bucket).key("small").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(random(1000)));
        S3Exception e = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key("small")
                .uploadId(uploadId).multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(p2.eTag()).build()))));
        assertEquals("EntityTooSmall", e.awsErrorDetails().errorCode());
        // the upload is still open: a single small part completes
        s3.completeMultipartUpload(b -> b.bucket(bucket).key("small").uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build())));
        assertEquals(1000, s3.headObject(b -> b.bucket(bucket).key("small")).contentLength());
        // completing removed the upload
        assertEquals("NoSuchUpload", assertThrows(S3Exception.class, () -> s3.listParts(b -> b.bucket(bucket).key("small")
                .uploadId(uploadId))).awsErrorDetails().errorCode());
        s3.deleteObject(b -> b.bucket(bucket).key("small"));
    }

    @Test
    void wrongEtagIsInvalidPartAndDescendingIsInvalidPartOrder() {
        S3Client s3 = rootClient();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("bad")).uploadId();
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key("bad").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(random(5 * MIB)));
        var p2 = s3.uploadPart(b -> b.bucket(bucket).key("bad").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(random(10)));
        S3Exception wrong = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key("bad")
                .uploadId(uploadId).multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag("\"00\"").build()))));
        assertEquals("InvalidPart", wrong.awsErrorDetails().errorCode());
        S3Exception missing = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key("bad")
                .uploadId(uploadId).multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(7).eTag(p1.eTag()).build()))));
        assertEquals("InvalidPart", missing.awsErrorDetails().errorCode());
        S3Exception order = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key("bad")
                .uploadId(uploadId).multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(2).eTag(p2.eTag()).build(),
                        CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build()))));
        assertEquals("InvalidPartOrder", order.awsErrorDetails().errorCode());
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("bad").uploadId(uploadId));
    }

    @Test
    void abortedOrUnknownUploadIsNoSuchUpload() {
        S3Client s3 = rootClient();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("ab")).uploadId();
        s3.uploadPart(b -> b.bucket(bucket).key("ab").uploadId(uploadId).partNumber(1), RequestBody.fromBytes(random(100)));
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("ab").uploadId(uploadId));
        S3Exception e = assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(bucket).key("ab")
                .uploadId(uploadId).partNumber(2), RequestBody.fromBytes(random(100))));
        assertEquals(404, e.statusCode());
        assertEquals("NoSuchUpload", e.awsErrorDetails().errorCode());
        assertEquals("NoSuchUpload", assertThrows(S3Exception.class, () -> s3.listParts(b -> b.bucket(bucket).key("ab")
                .uploadId(uploadId))).awsErrorDetails().errorCode());
        assertEquals("NoSuchUpload", assertThrows(S3Exception.class, () -> s3.abortMultipartUpload(b -> b.bucket(bucket)
                .key("ab").uploadId("nonexistent"))).awsErrorDetails().errorCode());
    }

    @Test
    void repeatedCompleteOfACompletedUploadAnswersTheSameObject() {
        // s3-tests' test_multipart_upload_small: a one-part, one-byte upload completed twice
        S3Client s3 = rootClient();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("again")).uploadId();
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key("again").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(random(1)));
        CompletedPart part = CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build();
        String first = s3.completeMultipartUpload(b -> b.bucket(bucket).key("again").uploadId(uploadId)
                .multipartUpload(m -> m.parts(part))).eTag();
        assertEquals(1, s3.headObject(b -> b.bucket(bucket).key("again")).contentLength());

        String second = s3.completeMultipartUpload(b -> b.bucket(bucket).key("again").uploadId(uploadId)
                .multipartUpload(m -> m.parts(part))).eTag();
        assertEquals(first, second);

        // other parts than the completed object's are still an unknown upload
        CompletedPart other = CompletedPart.builder().partNumber(1).eTag("\"00000000000000000000000000000000\"").build();
        assertEquals("NoSuchUpload", assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("again").uploadId(uploadId).multipartUpload(m -> m.parts(other)))).awsErrorDetails().errorCode());
        s3.deleteObject(b -> b.bucket(bucket).key("again"));
        assertEquals("NoSuchUpload", assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("again").uploadId(uploadId).multipartUpload(m -> m.parts(part)))).awsErrorDetails().errorCode());
    }

    @Test
    void listPartsAndListUploads() {
        S3Client s3 = rootClient();
        String a = s3.createMultipartUpload(b -> b.bucket(bucket).key("lst/a")).uploadId();
        String c = s3.createMultipartUpload(b -> b.bucket(bucket).key("lst/c")).uploadId();
        for (int n = 1; n <= 3; n++) {
            int pn = n;
            s3.uploadPart(b -> b.bucket(bucket).key("lst/a").uploadId(a).partNumber(pn), RequestBody.fromBytes(random(10 * pn)));
        }
        var parts = s3.listParts(b -> b.bucket(bucket).key("lst/a").uploadId(a).maxParts(2));
        assertEquals(2, parts.parts().size());
        assertTrue(parts.isTruncated());
        assertEquals(List.of(10L, 20L), parts.parts().stream().map(p -> p.size()).toList());
        var rest = s3.listParts(b -> b.bucket(bucket).key("lst/a").uploadId(a).partNumberMarker(parts.nextPartNumberMarker()));
        assertEquals(1, rest.parts().size());
        assertFalse(rest.isTruncated());
        var uploads = s3.listMultipartUploads(b -> b.bucket(bucket).prefix("lst/"));
        assertEquals(List.of("lst/a", "lst/c"), uploads.uploads().stream().map(u -> u.key()).toList());
        assertEquals(a, uploads.uploads().get(0).uploadId());
        var limited = s3.listMultipartUploads(b -> b.bucket(bucket).prefix("lst/").maxUploads(1));
        assertEquals(1, limited.uploads().size());
        assertTrue(limited.isTruncated());
        var grouped = s3.listMultipartUploads(b -> b.bucket(bucket).delimiter("/"));
        assertTrue(grouped.commonPrefixes().stream().anyMatch(p -> p.prefix().equals("lst/")));
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("lst/a").uploadId(a));
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("lst/c").uploadId(c));
        assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket).prefix("lst/")).uploads().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("modes")
    void uploadPartCopyWithRanges(Named mode) throws Exception {
        S3Client s3 = client(mode);
        byte[] src = random(6 * MIB + 500);
        s3.putObject(b -> b.bucket(bucket).key("copy-src"), RequestBody.fromBytes(src));
        String key = "copied-" + mode.pathStyle();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        var c1 = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("copy-src").destinationBucket(bucket)
                .destinationKey(key).uploadId(uploadId).partNumber(1).copySourceRange("bytes=0-" + (5 * MIB)));
        var c2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("copy-src").destinationBucket(bucket)
                .destinationKey(key).uploadId(uploadId).partNumber(2).copySourceRange("bytes=" + (6 * MIB) + "-" + (6 * MIB + 499)));
        assertEquals("\"" + HexFormat.of().formatHex(md5(src, 0, 5 * MIB + 1)) + "\"", c1.copyPartResult().eTag());
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(c1.copyPartResult().eTag()).build(),
                CompletedPart.builder().partNumber(2).eTag(c2.copyPartResult().eTag()).build())));
        byte[] expected = new byte[5 * MIB + 1 + 500];
        System.arraycopy(src, 0, expected, 0, 5 * MIB + 1);
        System.arraycopy(src, 6 * MIB, expected, 5 * MIB + 1, 500);
        assertArrayEquals(expected, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        s3.deleteObject(b -> b.bucket(bucket).key(key));
        String other = s3.createMultipartUpload(b -> b.bucket(bucket).key(key + "x")).uploadId();
        S3Exception bad = assertThrows(S3Exception.class, () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("copy-src").destinationBucket(bucket).destinationKey(key + "x").uploadId(other).partNumber(1)
                .copySourceRange("bytes=0-" + (7 * MIB))));
        assertEquals(416, bad.statusCode());
        assertEquals("InvalidRange", bad.awsErrorDetails().errorCode());
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key + "x").uploadId(other));
        s3.deleteObject(b -> b.bucket(bucket).key("copy-src"));
    }

    @Test
    void sseCMultipartNeedsTheKeyOnEveryPartAndToRead() throws Exception {
        S3Client s3 = rootClient();
        byte[] raw = random(32);
        String k = Base64.getEncoder().encodeToString(raw);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(raw));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp-ssec").sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k).sseCustomerKeyMD5(md5)).uploadId();
        byte[] data = random(5 * MIB + 10);
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key("mp-ssec").uploadId(uploadId).partNumber(1)
                .sseCustomerAlgorithm("AES256").sseCustomerKey(k).sseCustomerKeyMD5(md5),
                RequestBody.fromBytes(Arrays.copyOfRange(data, 0, 5 * MIB)));
        S3Exception noKey = assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(bucket).key("mp-ssec")
                .uploadId(uploadId).partNumber(2), RequestBody.fromBytes(new byte[10])));
        assertEquals(400, noKey.statusCode());
        var p2 = s3.uploadPart(b -> b.bucket(bucket).key("mp-ssec").uploadId(uploadId).partNumber(2)
                .sseCustomerAlgorithm("AES256").sseCustomerKey(k).sseCustomerKeyMD5(md5),
                RequestBody.fromBytes(Arrays.copyOfRange(data, 5 * MIB, data.length)));
        s3.completeMultipartUpload(b -> b.bucket(bucket).key("mp-ssec").uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
                CompletedPart.builder().partNumber(2).eTag(p2.eTag()).build())));
        assertArrayEquals(data, s3.getObjectAsBytes(b -> b.bucket(bucket).key("mp-ssec").sseCustomerAlgorithm("AES256")
                .sseCustomerKey(k).sseCustomerKeyMD5(md5)).asByteArray());
        assertEquals(400, assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key("mp-ssec"))).statusCode());
        s3.deleteObject(b -> b.bucket(bucket).key("mp-ssec"));
    }

    @Test
    void expiryAbortsOnlyOldUploads() {
        S3Client s3 = rootClient();
        String old = s3.createMultipartUpload(b -> b.bucket(bucket).key("exp/old")).uploadId();
        s3.uploadPart(b -> b.bucket(bucket).key("exp/old").uploadId(old).partNumber(1), RequestBody.fromBytes(random(100)));
        UploadExpiry expiry = context.getBean(UploadExpiry.class);
        // nothing is 7 days old yet
        assertEquals(0L, expiry.expire(System.currentTimeMillis()).block());
        long aborted = expiry.expire(System.currentTimeMillis() + java.time.Duration.ofDays(8).toMillis()).block();
        assertTrue(aborted >= 1, "aborted " + aborted);
        assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket).prefix("exp/")).uploads().isEmpty());
    }
}
