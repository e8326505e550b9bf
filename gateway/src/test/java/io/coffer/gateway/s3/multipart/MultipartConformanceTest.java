package io.coffer.gateway.s3.multipart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.gateway.GatewayTestBase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The multipart behaviours ceph/s3-tests checks beyond the basics: per-part checksums (COMPOSITE and
 * FULL_OBJECT), GetObjectAttributes' parts, partNumber reads, conditional completes, UploadPartCopy
 * ranges, repeated part entries and the initiator in ListMultipartUploads. Parts are small here (the
 * minimum part size is lowered), the rules are the same.
 */
class MultipartConformanceTest extends GatewayTestBase {
    private static final int PART = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();
    private String bucket;

    @Override
    protected Map<String, Object> extraConfig() {
        return Map.of("coffer.multipart.min-part-size", PART);
    }

    @BeforeAll
    void createBucket() {
        bucket = newBucketName("mpconf");
        rootClient().createBucket(b -> b.bucket(bucket));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String crc32c(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        long v = c.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** An open upload with its parts uploaded; {@code parts} are what CompleteMultipartUpload names. */
    private record Upload(String key, String uploadId, List<byte[]> data, List<CompletedPart> parts) {
        byte[] all() {
            int n = data.stream().mapToInt(d -> d.length).sum();
            byte[] out = new byte[n];
            int off = 0;
            for (byte[] d : data) {
                System.arraycopy(d, 0, out, off, d.length);
                off += d.length;
            }
            return out;
        }
    }

    private Upload upload(S3Client s3, String key, ChecksumAlgorithm algorithm, ChecksumType type, int... sizes) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).checksumAlgorithm(algorithm)
                .checksumType(type)).uploadId();
        List<byte[]> data = new ArrayList<>();
        List<CompletedPart> parts = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int n = i + 1;
            byte[] part = random(sizes[i]);
            data.add(part);
            var r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)
                    .checksumAlgorithm(algorithm), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumSHA256(r.checksumSHA256())
                    .checksumCRC32C(r.checksumCRC32C()).build());
        }
        return new Upload(key, uploadId, data, parts);
    }

    private CompleteMultipartUploadResponse complete(S3Client s3, Upload u) {
        return s3.completeMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())
                .multipartUpload(m -> m.parts(u.parts())));
    }

    @Test
    void compositeChecksumKeepsEveryPartsChecksumForAttributesAndPartReads() throws Exception {
        S3Client s3 = rootClient();
        Upload u = upload(s3, "sha-parts", ChecksumAlgorithm.SHA256, null, PART, PART, 100);
        ByteArrayConcat raw = new ByteArrayConcat();
        for (byte[] d : u.data()) {
            raw.add(Base64.getDecoder().decode(sha256(d)));
        }
        String composite = sha256(raw.bytes()) + "-3";
        CompleteMultipartUploadResponse done = complete(s3, u);
        assertEquals(composite, done.checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, done.checksumType());

        // without checksum mode HEAD carries no checksum; with it, the composite one
        assertNull(s3.headObject(b -> b.bucket(bucket).key(u.key())).checksumSHA256());
        var head = s3.headObject(b -> b.bucket(bucket).key(u.key()).checksumMode(ChecksumMode.ENABLED));
        assertEquals(composite, head.checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, head.checksumType());

        // a part read answers that part's own checksum (and the SDK validates the body against it)
        for (int n = 1; n <= 3; n++) {
            int pn = n;
            ResponseBytes<GetObjectResponse> part = s3.getObjectAsBytes(b -> b.bucket(bucket).key(u.key()).partNumber(pn)
                    .checksumMode(ChecksumMode.ENABLED));
            assertArrayEquals(u.data().get(n - 1), part.asByteArray());
            assertEquals(sha256(u.data().get(n - 1)), part.response().checksumSHA256());
            assertEquals(ChecksumType.COMPOSITE, part.response().checksumType());
            assertEquals(3, part.response().partsCount());
        }

        var attrs = s3.getObjectAttributes(b -> b.bucket(bucket).key(u.key())
                .objectAttributes(ObjectAttributes.CHECKSUM, ObjectAttributes.OBJECT_PARTS, ObjectAttributes.OBJECT_SIZE));
        assertEquals(composite, attrs.checksum().checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, attrs.checksum().checksumType());
        assertEquals(3, attrs.objectParts().totalPartsCount());
        List<ObjectPart> listed = attrs.objectParts().parts();
        assertEquals(List.of(1, 2, 3), listed.stream().map(ObjectPart::partNumber).toList());
        assertEquals(List.of((long) PART, (long) PART, 100L), listed.stream().map(ObjectPart::size).toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(sha256(u.data().get(i)), listed.get(i).checksumSHA256());
        }

        // max-parts and part-number-marker page through the parts
        var first = s3.getObjectAttributes(b -> b.bucket(bucket).key(u.key()).objectAttributes(ObjectAttributes.OBJECT_PARTS)
                .maxParts(2));
        assertEquals(List.of(1, 2), first.objectParts().parts().stream().map(ObjectPart::partNumber).toList());
        assertEquals(true, first.objectParts().isTruncated());
        var rest = s3.getObjectAttributes(b -> b.bucket(bucket).key(u.key()).objectAttributes(ObjectAttributes.OBJECT_PARTS)
                .partNumberMarker(first.objectParts().nextPartNumberMarker()));
        assertEquals(List.of(3), rest.objectParts().parts().stream().map(ObjectPart::partNumber).toList());
        assertEquals(sha256(u.data().get(2)), rest.objectParts().parts().get(0).checksumSHA256());
        s3.deleteObject(b -> b.bucket(bucket).key(u.key()));
    }

    @Test
    void fullObjectCrcIsTheCrcOfTheWholeObjectAndPartReadsAnswerThePartCrc() {
        S3Client s3 = rootClient();
        Upload u = upload(s3, "crc-full", ChecksumAlgorithm.CRC32_C, ChecksumType.FULL_OBJECT, PART, 777);
        CompleteMultipartUploadResponse done = complete(s3, u);
        assertEquals(crc32c(u.all()), done.checksumCRC32C());
        assertEquals(ChecksumType.FULL_OBJECT, done.checksumType());
        var part2 = s3.getObjectAsBytes(b -> b.bucket(bucket).key(u.key()).partNumber(2).checksumMode(ChecksumMode.ENABLED));
        assertArrayEquals(u.data().get(1), part2.asByteArray());
        assertEquals(crc32c(u.data().get(1)), part2.response().checksumCRC32C());
        assertEquals(ChecksumType.FULL_OBJECT, part2.response().checksumType());
        var attrs = s3.getObjectAttributes(b -> b.bucket(bucket).key(u.key()).objectAttributes(ObjectAttributes.CHECKSUM));
        assertEquals(crc32c(u.all()), attrs.checksum().checksumCRC32C());
        assertEquals(ChecksumType.FULL_OBJECT, attrs.checksum().checksumType());
        s3.deleteObject(b -> b.bucket(bucket).key(u.key()));
    }

    @Test
    void completeChecksIsDeclaredObjectChecksumAndPartChecksums() throws Exception {
        S3Client s3 = rootClient();
        Upload u = upload(s3, "sha-check", ChecksumAlgorithm.SHA256, null, 1000);
        S3Exception bad = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(u.key()).uploadId(u.uploadId()).checksumSHA256("bad").multipartUpload(m -> m.parts(u.parts()))));
        assertEquals(400, bad.statusCode());
        assertEquals("BadDigest", bad.awsErrorDetails().errorCode());
        CompletedPart wrongPart = u.parts().get(0).toBuilder().checksumSHA256(sha256(new byte[1])).build();
        S3Exception wrong = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(u.key()).uploadId(u.uploadId()).multipartUpload(m -> m.parts(wrongPart))));
        assertEquals("InvalidPart", wrong.awsErrorDetails().errorCode());
        // the right value, with its part count as S3 answers it, completes
        String composite = sha256(Base64.getDecoder().decode(sha256(u.data().get(0)))) + "-1";
        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(u.key())
                .uploadId(u.uploadId()).checksumSHA256(composite).multipartUpload(m -> m.parts(u.parts())));
        assertEquals(composite, done.checksumSHA256());
        s3.deleteObject(b -> b.bucket(bucket).key(u.key()));
    }

    @Test
    void partNumberBeyondThePartsIsInvalidPartAndPartOneOfAPlainObjectIsTheObject() {
        S3Client s3 = rootClient();
        Upload u = upload(s3, "pn", null, null, PART, 10);
        complete(s3, u);
        S3Exception beyond = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(u.key())
                .partNumber(3)));
        assertEquals(400, beyond.statusCode());
        assertEquals("InvalidPart", beyond.awsErrorDetails().errorCode());
        assertEquals(400, assertThrows(S3Exception.class, () -> s3.headObject(b -> b.bucket(bucket).key(u.key())
                .partNumber(3))).statusCode());

        s3.putObject(b -> b.bucket(bucket).key("plain").checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                RequestBody.fromString("body"));
        S3Exception plain = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("plain")
                .partNumber(2)));
        assertEquals("InvalidPart", plain.awsErrorDetails().errorCode());
        var one = s3.getObjectAsBytes(b -> b.bucket(bucket).key("plain").partNumber(1).checksumMode(ChecksumMode.ENABLED));
        assertEquals("body", one.asUtf8String());
        assertEquals(crc32c("body".getBytes(StandardCharsets.UTF_8)), one.response().checksumCRC32C());
        s3.deleteObject(b -> b.bucket(bucket).key("plain"));
        s3.deleteObject(b -> b.bucket(bucket).key(u.key()));
    }

    private String conditionalComplete(S3Client s3, String key, String ifMatch, String ifNoneMatch) {
        Upload u = upload(s3, key, null, null, 3);
        try {
            return s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .uploadId(u.uploadId()).ifMatch(ifMatch).ifNoneMatch(ifNoneMatch)
                    .multipartUpload(m -> m.parts(u.parts())).build()).eTag();
        } finally {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(u.uploadId()));
            } catch (S3Exception e) {
                // completed: nothing left to abort
            }
        }
    }

    private static String errorOf(Runnable r) {
        S3Exception e = assertThrows(S3Exception.class, r::run);
        return e.statusCode() + " " + e.awsErrorDetails().errorCode();
    }

    @Test
    void conditionalCompleteFollowsIfMatchAndIfNoneMatch() {
        S3Client s3 = rootClient();
        String key = "cond";
        assertEquals("404 NoSuchKey", errorOf(() -> conditionalComplete(s3, key, "*", null)));
        assertEquals("404 NoSuchKey", errorOf(() -> conditionalComplete(s3, key, "\"badetag\"", null)));
        String etag = conditionalComplete(s3, key, null, "*");
        assertEquals("412 PreconditionFailed", errorOf(() -> conditionalComplete(s3, key, null, "*")));
        assertEquals("412 PreconditionFailed", errorOf(() -> conditionalComplete(s3, key, null, etag)));
        assertEquals("412 PreconditionFailed", errorOf(() -> conditionalComplete(s3, key, "\"badetag\"", null)));
        String second = conditionalComplete(s3, key, null, "\"badetag\"");
        conditionalComplete(s3, key, second, null);
        conditionalComplete(s3, key, "*", null);
        // the first object's ETag is no longer the current one
        assertEquals("412 PreconditionFailed", errorOf(() -> conditionalComplete(s3, key, etag, null)));
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Test
    void copyRangeBeyondTheSourceIsInvalidRange() {
        S3Client s3 = rootClient();
        s3.putObject(b -> b.bucket(bucket).key("five"), RequestBody.fromString("12345"));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("dest")).uploadId();
        S3Exception e = assertThrows(S3Exception.class, () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("five")
                .destinationBucket(bucket).destinationKey("dest").uploadId(uploadId).partNumber(1)
                .copySourceRange("bytes=0-21")));
        assertEquals("InvalidRange", e.awsErrorDetails().errorCode());
        assertEquals(416, e.statusCode());
        S3Exception malformed = assertThrows(S3Exception.class, () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                .sourceKey("five").destinationBucket(bucket).destinationKey("dest").uploadId(uploadId).partNumber(1)
                .copySourceRange("bytes=3-")));
        assertEquals("InvalidArgument", malformed.awsErrorDetails().errorCode());
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("dest").uploadId(uploadId));
        s3.deleteObject(b -> b.bucket(bucket).key("five"));
    }

    @Test
    void uploadPartCopyAnswersThePartChecksumOfAChecksummedUpload() throws Exception {
        S3Client s3 = rootClient();
        byte[] src = random(PART + 10);
        s3.putObject(b -> b.bucket(bucket).key("copy-sum-src"), RequestBody.fromBytes(src));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("copy-sum")
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        var copied = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("copy-sum-src").destinationBucket(bucket)
                .destinationKey("copy-sum").uploadId(uploadId).partNumber(1).copySourceRange("bytes=0-" + (PART - 1)));
        assertEquals(sha256(Arrays.copyOf(src, PART)), copied.copyPartResult().checksumSHA256());
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("copy-sum").uploadId(uploadId));
        s3.deleteObject(b -> b.bucket(bucket).key("copy-sum-src"));
    }

    @Test
    void aPartListedTwiceInARowIsTheLastEntry() {
        S3Client s3 = rootClient();
        String key = "twice";
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        var first = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("BBBBBBBB"));
        var second = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("AAAAAAAA"));
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(first.eTag()).build(),
                CompletedPart.builder().partNumber(1).eTag(second.eTag()).build())));
        assertEquals("AAAAAAAA", s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Test
    void tagsGivenAtCreateAreAnsweredSortedByKey() {
        // s3-tests' test_set_multipart_tagging expects "Hello" before "foo"; the manifest keeps no order
        S3Client s3 = rootClient();
        List<String> keys = List.of("Hello", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "foo");
        String tagging = String.join("&", keys.stream().map(k -> k + "=v" + k).toList());
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key("tagged").tagging(tagging)).uploadId();
        var p1 = s3.uploadPart(b -> b.bucket(bucket).key("tagged").uploadId(uploadId).partNumber(1),
                RequestBody.fromString("x"));
        s3.completeMultipartUpload(b -> b.bucket(bucket).key("tagged").uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build())));
        var tags = s3.getObjectTagging(b -> b.bucket(bucket).key("tagged")).tagSet();
        assertEquals(keys, tags.stream().map(t -> t.key()).toList());
        assertEquals("vfoo", tags.get(keys.size() - 1).value());
        s3.deleteObject(b -> b.bucket(bucket).key("tagged"));
    }

    @Test
    void listUploadsNamesEachUploadsInitiatorNotTheCaller() throws Exception {
        RawResponse created = management("POST", "/admin/users", Map.of("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString((ROOT_ACCESS + ":" + ROOT_SECRET).getBytes(StandardCharsets.UTF_8)),
                "Content-Type", "application/json"), "{\"displayName\":\"carol\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status(), created.bodyText());
        S3Client carol = client(true, false, jsonField(created.bodyText(), "accessKey"),
                jsonField(created.bodyText(), "secretKey"));
        String own = newBucketName("carol");
        carol.createBucket(b -> b.bucket(own));
        String carolId = jsonField(created.bodyText(), "id");
        String mine = carol.createMultipartUpload(b -> b.bucket(own).key("k1")).uploadId();
        S3Client root = rootClient();
        String roots = root.createMultipartUpload(b -> b.bucket(own).key("k2")).uploadId();
        for (S3Client caller : List.of(carol, root)) {
            var uploads = caller.listMultipartUploads(b -> b.bucket(own)).uploads();
            assertEquals(2, uploads.size());
            assertEquals(carolId, uploads.get(0).initiator().id());
            assertEquals("carol", uploads.get(0).owner().displayName());
            assertEquals(carolId, uploads.get(0).owner().id());
            assertEquals(mine, uploads.get(0).uploadId());
            assertEquals(roots, uploads.get(1).uploadId());
            assertEquals(false, uploads.get(1).initiator().id().equals(carolId));
        }
        root.abortMultipartUpload(b -> b.bucket(own).key("k1").uploadId(mine));
        root.abortMultipartUpload(b -> b.bucket(own).key("k2").uploadId(roots));
    }

    private static String jsonField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Concatenates raw part checksums. */
    private static final class ByteArrayConcat {
        private byte[] bytes = new byte[0];

        void add(byte[] b) {
            byte[] n = Arrays.copyOf(bytes, bytes.length + b.length);
            System.arraycopy(b, 0, n, bytes.length, b.length);
            bytes = n;
        }

        byte[] bytes() {
            return bytes;
        }
    }
}
