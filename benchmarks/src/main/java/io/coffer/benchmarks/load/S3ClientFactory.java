package io.coffer.benchmarks.load;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client users get from the AWS SDK for Java v2: sync, Apache HTTP client, path-style,
 * default checksum behaviour (CRC32 on uploads, validation on downloads) unless turned off.
 * Retries are off by default so that every failed request counts as an error.
 */
public final class S3ClientFactory {
    private S3ClientFactory() {}

    /** A client for {@code target}, configured by {@code o} (region, checksums, retries). */
    public static S3Client create(LoadOptions o, LoadOptions.Target target, int maxConnections) {
        var builder = S3Client.builder()
                .endpointOverride(target.endpoint())
                .region(Region.of(o.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(target.accessKey(), target.secretKey())))
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(120))
                        .connectionAcquisitionTimeout(Duration.ofSeconds(60))
                        // never reuse a connection that sat idle between workloads long enough for
                        // the server to have closed it: with retries off, that stale-socket failure
                        // ("The target server failed to respond") would count against the server
                        .connectionMaxIdleTime(Duration.ofSeconds(5)))
                .overrideConfiguration(c -> c
                        .apiCallTimeout(Duration.ofMinutes(10))
                        .retryStrategy(o.retries() == 0
                                ? AwsRetryStrategy.doNotRetry()
                                : AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                        .maxAttempts(o.retries() + 1).build()));
        if (!o.checksums()) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }
}
