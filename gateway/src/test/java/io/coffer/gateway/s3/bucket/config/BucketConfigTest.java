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
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
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

    @Test
    void lifecycleIsValidatedStoredWithIdsAndDeleted() {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "lc");
        S3Exception none = assertThrows(S3Exception.class, () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)));
        assertEquals("NoSuchLifecycleConfiguration", none.awsErrorDetails().errorCode());
        s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                LifecycleRule.builder().id("r1").filter(f -> f.prefix("logs/")).status(ExpirationStatus.ENABLED)
                        .expiration(e -> e.days(30)).build(),
                LifecycleRule.builder().filter(f -> f.prefix("tmp/")).status(ExpirationStatus.DISABLED)
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(2)).build())));
        List<LifecycleRule> rules = s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules();
        assertEquals(2, rules.size());
        assertEquals("r1", rules.get(0).id());
        assertEquals(30, rules.get(0).expiration().days());
        assertEquals("logs/", rules.get(0).filter().prefix());
        assertEquals(20, rules.get(1).id().length(), "a rule without ID gets one");
        s3.deleteBucketLifecycle(b -> b.bucket(bucket));
        assertEquals(404, assertThrows(S3Exception.class,
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket))).statusCode());
    }

    @Test
    void invalidLifecycleRulesAreRefusedWithS3sErrors() {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "lcbad");
        java.util.function.Supplier<LifecycleRule.Builder> base = () -> LifecycleRule.builder()
                .filter(f -> f.prefix("p/")).status(ExpirationStatus.ENABLED);
        S3Exception days0 = assertThrows(S3Exception.class, () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(base.get().id("a").expiration(e -> e.days(0)).build()))));
        assertEquals("InvalidArgument", days0.awsErrorDetails().errorCode());
        S3Exception same = assertThrows(S3Exception.class, () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(base.get().id("a").expiration(e -> e.days(1)).build(),
                        base.get().id("a").expiration(e -> e.days(2)).build()))));
        assertEquals("InvalidArgument", same.awsErrorDetails().errorCode());
        S3Exception longId = assertThrows(S3Exception.class, () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(base.get().id("x".repeat(256)).expiration(e -> e.days(1)).build()))));
        assertEquals("InvalidArgument", longId.awsErrorDetails().errorCode());
        S3Exception notMidnight = assertThrows(S3Exception.class, () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(base.get().id("d")
                        .expiration(e -> e.date(java.time.Instant.parse("2030-01-01T10:00:00Z"))).build()))));
        assertEquals(400, notMidnight.statusCode());
        S3Exception status = assertThrows(S3Exception.class, () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(base.get().id("s").status("enabled").expiration(e -> e.days(1)).build()))));
        assertEquals("MalformedXML", status.awsErrorDetails().errorCode());
    }

    @Test
    void corsRulesRoundTripAndAnswerPreflights() throws Exception {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "cors");
        assertEquals("NoSuchCORSConfiguration", assertThrows(S3Exception.class,
                () -> s3.getBucketCors(b -> b.bucket(bucket))).awsErrorDetails().errorCode());
        String path = "/" + bucket + "/obj";
        assertEquals(403, raw("OPTIONS", path, java.util.Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "GET"), new byte[0]).status(), "no rules: preflight refused");
        s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c.corsRules(
                CORSRule.builder().allowedMethods("GET", "HEAD").allowedOrigins("https://*.example")
                        .allowedHeaders("x-amz-*").exposeHeaders("ETag").maxAgeSeconds(600).build())));
        List<CORSRule> rules = s3.getBucketCors(b -> b.bucket(bucket)).corsRules();
        assertEquals(List.of("GET", "HEAD"), rules.get(0).allowedMethods());
        assertEquals(List.of("https://*.example"), rules.get(0).allowedOrigins());

        RawResponse ok = raw("OPTIONS", path, java.util.Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-amz-date"), new byte[0]);
        assertEquals(200, ok.status(), ok.statusLine());
        assertEquals("https://app.example", ok.header("Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD", ok.header("Access-Control-Allow-Methods"));
        assertEquals("x-amz-date", ok.header("Access-Control-Allow-Headers"));
        assertEquals("600", ok.header("Access-Control-Max-Age"));
        assertEquals(403, raw("OPTIONS", path, java.util.Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "PUT"), new byte[0]).status());
        assertEquals(403, raw("OPTIONS", path, java.util.Map.of("Origin", "https://app.example",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"), new byte[0]).status());
        assertEquals(400, raw("OPTIONS", path, java.util.Map.of(), new byte[0]).status());

        // an ordinary (signed) request from an allowed origin gets the headers too, even a 404
        RawResponse get = raw("GET", path, signedHeaders("GET", path, java.util.Map.of("Origin", "https://app.example")),
                new byte[0]);
        assertEquals(404, get.status());
        assertEquals("https://app.example", get.header("Access-Control-Allow-Origin"));
        assertEquals("ETag", get.header("Access-Control-Expose-Headers"));

        s3.deleteBucketCors(b -> b.bucket(bucket));
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.getBucketCors(b -> b.bucket(bucket))).statusCode());
    }

    @Test
    void corsWithUnsupportedMethodIsInvalidRequest() {
        S3Client s3 = rootClient();
        String bucket = newBucket(s3, "corsbad");
        S3Exception e = assertThrows(S3Exception.class, () -> s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c
                .corsRules(CORSRule.builder().allowedMethods("PATCH").allowedOrigins("*").build()))));
        assertEquals("InvalidRequest", e.awsErrorDetails().errorCode());
    }
}
