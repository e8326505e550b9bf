package io.coffer.gateway.s3.bucket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.gateway.GatewayTestBase;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** Outside us-east-1 S3 answers the owner's repeated CreateBucket with BucketAlreadyOwnedByYou. */
class BucketRecreateOutsideUsEast1Test extends GatewayTestBase {
    @Override
    protected Map<String, Object> extraConfig() {
        return Map.of("coffer.region", "eu-west-1");
    }

    @Test
    void createExistingOwnBucketIsBucketAlreadyOwnedByYou409() {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
                .region(Region.EU_WEST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ROOT_ACCESS, ROOT_SECRET)))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
                .httpClient(ApacheHttpClient.builder().build())
                .build()) {
            String name = newBucketName("eu-twice");
            s3.createBucket(b -> b.bucket(name));
            BucketAlreadyOwnedByYouException e = assertThrows(BucketAlreadyOwnedByYouException.class,
                    () -> s3.createBucket(b -> b.bucket(name)));
            assertEquals(409, e.statusCode());
            assertEquals("BucketAlreadyOwnedByYou", e.awsErrorDetails().errorCode());
        }
    }
}
