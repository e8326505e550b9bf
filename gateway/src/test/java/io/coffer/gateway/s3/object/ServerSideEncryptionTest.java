package io.coffer.gateway.s3.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.key.MasterKeyring;
import io.coffer.gateway.GatewayTestBase;
import io.coffer.shard.store.ShardStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/** SSE-S3, SSE-KMS (the built-in keyring) and their conflicts with SSE-C, through the AWS SDK v2. */
class ServerSideEncryptionTest extends GatewayTestBase {
    private static final SecureRandom RANDOM = new SecureRandom();
    private String bucket;

    @BeforeAll
    void createBucket() {
        bucket = newBucketName("sse");
        rootClient().createBucket(b -> b.bucket(bucket));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The wrapping key id the stored manifest names for {@code key}. */
    private String wrappingKeyId(String bucketName, String key) {
        ShardStore store = context.getBean(ShardStore.class);
        var v = store.getVersion(bucketName, key, null).block().orElseThrow();
        return context.getBean(io.coffer.gateway.store.SignedManifests.class).open(v).keyId();
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void kmsPutAnswersKeyIdAndWrapsForIt(Named mode) {
        S3Client s3 = client(mode);
        byte[] data = random(70_000);
        String key = "kms-" + mode.pathStyle();
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key(key)
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("testkey-1"), RequestBody.fromBytes(data));
        assertEquals(ServerSideEncryption.AWS_KMS, put.serverSideEncryption());
        assertEquals("testkey-1", put.ssekmsKeyId());
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        assertArrayEquals(data, got.asByteArray());
        assertEquals(ServerSideEncryption.AWS_KMS, got.response().serverSideEncryption());
        assertEquals("testkey-1", got.response().ssekmsKeyId());
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
        assertEquals("testkey-1", head.ssekmsKeyId());
        String wrapping = wrappingKeyId(bucket, key);
        assertEquals("testkey-1", MasterKeyring.kmsKeyIdOf(wrapping), wrapping);
    }

    @Test
    void sseS3PutAndGetAnswerAes256() {
        S3Client s3 = rootClient();
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("s3").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromString("hello"));
        assertEquals(ServerSideEncryption.AES256, put.serverSideEncryption());
        assertEquals(ServerSideEncryption.AES256, s3.headObject(b -> b.bucket(bucket).key("s3")).serverSideEncryption());
        assertEquals(null, MasterKeyring.kmsKeyIdOf(wrappingKeyId(bucket, "s3")));
    }

    @Test
    void unknownKmsKeyIsKmsNotFound400() {
        S3Exception e = assertThrows(S3Exception.class, () -> rootClient().putObject(b -> b.bucket(bucket).key("nokey")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("no-such-key"), RequestBody.fromString("x")));
        assertEquals(400, e.statusCode());
        assertEquals("KMS.NotFoundException", e.awsErrorDetails().errorCode());
    }

    @Test
    void conflictingEncryptionHeadersAreInvalidArgument() throws Exception {
        S3Client s3 = rootClient();
        // a KMS key id with AES256
        S3Exception s3kms = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(bucket).key("c1")
                .serverSideEncryption(ServerSideEncryption.AES256).ssekmsKeyId("testkey-1"), RequestBody.fromString("x")));
        assertEquals("InvalidArgument", s3kms.awsErrorDetails().errorCode());
        // a KMS key id without any x-amz-server-side-encryption
        S3Exception undeclared = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(bucket).key("c2")
                .ssekmsKeyId("testkey-1"), RequestBody.fromString("x")));
        assertEquals(400, undeclared.statusCode());
        // SSE-C with aws:kms
        byte[] k = random(32);
        String keyB64 = Base64.getEncoder().encodeToString(k);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(k));
        S3Exception ckms = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(bucket).key("c3")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("testkey-1")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(keyB64).sseCustomerKeyMD5(md5), RequestBody.fromString("x")));
        assertEquals("InvalidArgument", ckms.awsErrorDetails().errorCode());
        // aws:kms without a key id, and no default key configured
        S3Exception noKey = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(bucket).key("c4")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS), RequestBody.fromString("x")));
        assertEquals("InvalidArgument", noKey.awsErrorDetails().errorCode());
    }

    @Test
    void readsRefuseSseHeaders() throws Exception {
        S3Client s3 = rootClient();
        s3.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("x"));
        RawResponse r = raw("HEAD", "/" + bucket + "/plain",
                signedHeaders("HEAD", "/" + bucket + "/plain", java.util.Map.of("x-amz-server-side-encryption", "AES256")),
                new byte[0]);
        assertEquals(400, r.status(), r.statusLine());
    }

    @Test
    void copyChangesEncryptionKindAndKeepsBytes() {
        S3Client s3 = rootClient();
        byte[] data = random(100_000);
        s3.putObject(b -> b.bucket(bucket).key("src").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId("testkey-1"), RequestBody.fromBytes(data));
        CopyObjectResponse toKms2 = s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket)
                .destinationKey("dst-kms2").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("testkey-2"));
        assertEquals("testkey-2", toKms2.ssekmsKeyId());
        assertEquals("testkey-2", MasterKeyring.kmsKeyIdOf(wrappingKeyId(bucket, "dst-kms2")));
        assertArrayEquals(data, s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst-kms2")).asByteArray());
        CopyObjectResponse toS3 = s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket)
                .destinationKey("dst-s3"));
        assertEquals(ServerSideEncryption.AES256, toS3.serverSideEncryption());
        assertArrayEquals(data, s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst-s3")).asByteArray());
    }

    @Test
    void kmsMultipartAnswersKeyIdOnEveryStep() {
        S3Client s3 = rootClient();
        String key = "kms-mpu";
        CreateMultipartUploadResponse created = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("testkey-2"));
        assertEquals("testkey-2", created.ssekmsKeyId());
        byte[] p1 = random(5 * 1024 * 1024);
        byte[] p2 = random(1000);
        List<CompletedPart> parts = new ArrayList<>();
        UploadPartResponse r1 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).partNumber(1),
                RequestBody.fromBytes(p1));
        assertEquals("testkey-2", r1.ssekmsKeyId());
        parts.add(CompletedPart.builder().partNumber(1).eTag(r1.eTag()).build());
        UploadPartResponse r2 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).partNumber(2),
                RequestBody.fromBytes(p2));
        parts.add(CompletedPart.builder().partNumber(2).eTag(r2.eTag()).build());
        var done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(created.uploadId())
                .multipartUpload(m -> m.parts(parts)));
        assertEquals("testkey-2", done.ssekmsKeyId());
        byte[] got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        assertEquals(p1.length + p2.length, got.length);
        assertArrayEquals(p2, java.util.Arrays.copyOfRange(got, p1.length, got.length));
        assertTrue(wrappingKeyId(bucket, key).endsWith("/testkey-2"));
    }

    @Test
    void sseCMultipartCompleteRefusesAnotherCustomerKey() throws Exception {
        S3Client s3 = rootClient();
        byte[] k = random(32);
        String keyB64 = Base64.getEncoder().encodeToString(k);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(k));
        String key = "ssec-mpu";
        var created = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .sseCustomerAlgorithm("AES256").sseCustomerKey(keyB64).sseCustomerKeyMD5(md5));
        UploadPartResponse part = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(created.uploadId()).partNumber(1)
                .sseCustomerAlgorithm("AES256").sseCustomerKey(keyB64).sseCustomerKeyMD5(md5), RequestBody.fromString("abc"));
        List<CompletedPart> parts = List.of(CompletedPart.builder().partNumber(1).eTag(part.eTag()).build());
        byte[] o = random(32);
        String otherB64 = Base64.getEncoder().encodeToString(o);
        String otherMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(o));
        S3Exception without = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key).uploadId(created.uploadId()).multipartUpload(m -> m.parts(parts))
                .sseCustomerAlgorithm("AES256").sseCustomerKey(otherB64).sseCustomerKeyMD5(otherMd5)));
        assertEquals(400, without.statusCode());
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(created.uploadId())
                .multipartUpload(m -> m.parts(parts)).sseCustomerAlgorithm("AES256").sseCustomerKey(keyB64)
                .sseCustomerKeyMD5(md5));
        assertEquals("abc", s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).sseCustomerAlgorithm("AES256")
                .sseCustomerKey(keyB64).sseCustomerKeyMD5(md5)).asUtf8String());
    }
}
