package io.coffer.gateway.s3.bucket.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.gateway.GatewayTestBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.model.Tag;

/** Bucket configuration subresources through the AWS SDK v2: default encryption and tagging. */
class BucketConfigTest extends GatewayTestBase {

    private String newBucket(S3Client s3, String hint) {
        String name = newBucketName(hint);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    private static ServerSideEncryptionRule kmsRule(String keyId) {
        return ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(d -> d
                .sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(keyId)).build();
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void defaultKmsEncryptionAppliesToPutsWithoutHeadersUntilDeleted(Named mode) {
        S3Client s3 = client(mode);
        String bucket = newBucket(s3, "enc");
        S3Exception none = assertThrows(S3Exception.class, () -> s3.getBucketEncryption(b -> b.bucket(bucket)));
        assertEquals(404, none.statusCode());
        assertEquals("ServerSideEncryptionConfigurationNotFoundError", none.awsErrorDetails().errorCode());

        s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(kmsRule("testkey-2"))));
        GetBucketEncryptionResponse got = s3.getBucketEncryption(b -> b.bucket(bucket));
        var defaults = got.serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault();
        assertEquals(ServerSideEncryption.AWS_KMS, defaults.sseAlgorithm());
        assertEquals("testkey-2", defaults.kmsMasterKeyID());

        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("data"));
        assertEquals(ServerSideEncryption.AWS_KMS, put.serverSideEncryption());
        assertEquals("testkey-2", put.ssekmsKeyId());
        assertEquals("testkey-2", s3.headObject(b -> b.bucket(bucket).key("k")).ssekmsKeyId());
        // explicit headers win over the default
        PutObjectResponse explicit = s3.putObject(b -> b.bucket(bucket).key("s3")
                .serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromString("data"));
        assertEquals(ServerSideEncryption.AES256, explicit.serverSideEncryption());

        s3.deleteBucketEncryption(b -> b.bucket(bucket));
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.getBucketEncryption(b -> b.bucket(bucket))).statusCode());
        assertEquals(ServerSideEncryption.AES256, s3.putObject(b -> b.bucket(bucket).key("after"),
                RequestBody.fromString("data")).serverSideEncryption());
    }

    @Test
    void defaultEncryptionWithUnknownAlgorithmIsRefused() {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "encbad");
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(ServerSideEncryptionRule.builder()
                        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("aws:kms:dsse")).build()))));
        assertEquals(400, e.statusCode());
        // a KMS default naming a key the keyring lacks fails the writes, not the configuration
        s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(kmsRule("gone"))));
        S3Exception put = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(bucket).key("k"),
                RequestBody.fromString("x")));
        assertEquals("KMS.NotFoundException", put.awsErrorDetails().errorCode());
    }

    @ParameterizedTest
    @MethodSource("clientModes")
    void bucketTaggingRoundTripsInKeyOrderAndDeleteAnswersNoSuchTagSet(Named mode) {
        S3Client s3 = client(mode);
        String bucket = newBucket(s3, "tags");
        S3Exception none = assertThrows(S3Exception.class, () -> s3.getBucketTagging(b -> b.bucket(bucket)));
        assertEquals(404, none.statusCode());
        assertEquals("NoSuchTagSet", none.awsErrorDetails().errorCode());
        s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(
                Tag.builder().key("zeta").value("1").build(), Tag.builder().key("Hello").value(" World ").build(),
                Tag.builder().key("a&b=c").value("").build())));
        List<Tag> got = s3.getBucketTagging(b -> b.bucket(bucket)).tagSet();
        assertEquals(List.of(Tag.builder().key("Hello").value(" World ").build(), Tag.builder().key("a&b=c").value("").build(),
                Tag.builder().key("zeta").value("1").build()), got);
        s3.deleteBucketTagging(b -> b.bucket(bucket));
        assertEquals("NoSuchTagSet", assertThrows(S3Exception.class,
                () -> s3.getBucketTagging(b -> b.bucket(bucket))).awsErrorDetails().errorCode());
    }

    @Test
    void moreThanFiftyBucketTagsIsInvalidTag() {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "tagmax");
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tags.add(Tag.builder().key("k" + i).value("v").build());
        }
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putBucketTagging(b -> b.bucket(bucket)
                .tagging(t -> t.tagSet(tags))));
        assertEquals("InvalidTag", e.awsErrorDetails().errorCode());
        s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(tags.subList(0, 50))));
        assertEquals(50, s3.getBucketTagging(b -> b.bucket(bucket)).tagSet().size());
    }
}
