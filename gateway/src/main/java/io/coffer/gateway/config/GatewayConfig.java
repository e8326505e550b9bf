package io.coffer.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's settings under {@code coffer.*} (application.yml, or environment variables such as
 * {@code COFFER_S3_PORT}, {@code COFFER_DATA_DIR}, {@code COFFER_DOMAIN}).
 */
@ConfigurationProperties("coffer")
public class GatewayConfig {
    private String bindHost = "0.0.0.0";
    private int s3Port = 9000;
    private int managementPort = 9001;
    private String dataDir = "./data";
    private String rootAccessKey;
    private String rootSecretKey;
    private String region = "us-east-1";
    private String domain;
    private int maxConcurrentRequests = 1024;
    private String fsync = "group";
    private Duration readTimeout = Duration.ofSeconds(60);

    public String getBindHost() {
        return bindHost;
    }

    public void setBindHost(String bindHost) {
        this.bindHost = bindHost;
    }

    /** S3 data-plane port; 0 picks a free port (tests). */
    public int getS3Port() {
        return s3Port;
    }

    public void setS3Port(int s3Port) {
        this.s3Port = s3Port;
    }

    public int getManagementPort() {
        return managementPort;
    }

    public void setManagementPort(int managementPort) {
        this.managementPort = managementPort;
    }

    public String getDataDir() {
        return dataDir;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    public String getRootAccessKey() {
        return rootAccessKey;
    }

    public void setRootAccessKey(String rootAccessKey) {
        this.rootAccessKey = blankToNull(rootAccessKey);
    }

    public String getRootSecretKey() {
        return rootSecretKey;
    }

    public void setRootSecretKey(String rootSecretKey) {
        this.rootSecretKey = blankToNull(rootSecretKey);
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region == null || region.isBlank() ? "us-east-1" : region;
    }

    /** Base domain for virtual-hosted-style requests ({@code bucket.<domain>}); null for path style only. */
    public String getDomain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = blankToNull(domain);
    }

    public int getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("coffer.max-concurrent-requests must be >= 1");
        }
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    /**
     * Shard fsync policy: {@code group} (default: every commit durable, concurrent commits share an fsync),
     * {@code always} (an fsync per commit) or {@code none} (tests, scratch data).
     */
    public String getFsync() {
        return fsync;
    }

    public void setFsync(String fsync) {
        this.fsync = fsync;
    }

    /**
     * Longest pause allowed between two reads of a request body ({@code COFFER_READ_TIMEOUT}, default
     * 60s); past it the connection is closed and the request's partial writes are cleaned up, so a
     * client that stalls mid-upload holds neither a concurrency slot nor disk space for long.
     */
    public Duration getReadTimeout() {
        return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
        if (readTimeout == null || readTimeout.isZero() || readTimeout.isNegative()) {
            throw new IllegalArgumentException("coffer.read-timeout must be positive");
        }
        this.readTimeout = readTimeout;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
