package io.coffer.gateway.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class ManagementEndpointsTest extends GatewayTestBase {

    private static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String jsonField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void healthLivenessAndReadinessAreUp() throws Exception {
        RawResponse health = management("GET", "/health", Map.of(), null);
        assertEquals(200, health.status(), health.bodyText());
        assertTrue(health.bodyText().contains("\"status\":\"UP\""), health.bodyText());
        RawResponse live = management("GET", "/health/liveness", Map.of(), null);
        assertEquals(200, live.status());
        RawResponse ready = management("GET", "/health/readiness", Map.of(), null);
        assertEquals(200, ready.status(), ready.bodyText());
        assertTrue(ready.bodyText().contains("shard"), ready.bodyText());
    }

    @Test
    void prometheusExportsRequestCountersLatencyBytesAndErrors() throws Exception {
        S3Client s3 = rootClient();
        String bucket = newBucketName("metrics");
        s3.createBucket(b -> b.bucket(bucket));
        s3.listObjectsV2(b -> b.bucket(bucket));
        assertThrows(S3Exception.class, () -> s3.headBucket(b -> b.bucket(bucket + "-missing")));
        RawResponse r = management("GET", "/prometheus", Map.of(), null);
        assertEquals(200, r.status());
        String text = r.bodyText();
        assertTrue(text.contains("coffer_s3_requests_seconds_count{operation=\"CreateBucket\",status=\"200\"}"), text);
        assertTrue(text.contains("coffer_s3_requests_seconds_bucket{operation=\"ListObjectsV2\",status=\"200\""), text);
        assertTrue(text.contains("coffer_s3_bytes_out_bytes_total{operation=\"ListObjectsV2\"}"), text);
        assertTrue(text.contains("coffer_s3_errors_total{code=\"NoSuchBucket\",operation=\"HeadBucket\"}"), text);
        assertTrue(text.contains("coffer_s3_requests_inflight"), text);

        // the meters are cached per tag combination: later requests must still count, on the same series
        String errors = "coffer_s3_errors_total{code=\"NoSuchBucket\",operation=\"HeadBucket\"}";
        double before = sample(text, errors);
        for (int i = 0; i < 3; i++) {
            assertThrows(S3Exception.class, () -> s3.headBucket(b -> b.bucket(bucket + "-missing")));
        }
        // a request is counted when its exchange ends, which may be just after the client has its answer
        long deadline = System.nanoTime() + 5_000_000_000L;
        double after = sample(management("GET", "/prometheus", Map.of(), null).bodyText(), errors);
        while (after < before + 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = sample(management("GET", "/prometheus", Map.of(), null).bodyText(), errors);
        }
        assertEquals(before + 3, after);
    }

    private static double sample(String prometheusText, String series) {
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + series + " in\n" + prometheusText);
    }

    @Test
    void adminApiCreatesUsersThatCanUseS3AndDeletesThem() throws Exception {
        String auth = basic(ROOT_ACCESS, ROOT_SECRET);
        RawResponse created = management("POST", "/admin/users",
                Map.of("Authorization", auth, "Content-Type", "application/json"),
                "{\"displayName\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status(), created.bodyText());
        String access = jsonField(created.bodyText(), "accessKey");
        String secret = jsonField(created.bodyText(), "secretKey");
        assertNotNull(access);
        assertNotNull(secret);

        RawResponse list = management("GET", "/admin/users", Map.of("Authorization", auth), null);
        assertEquals(200, list.status());
        assertTrue(list.bodyText().contains(access));
        assertFalse(list.bodyText().contains(secret), "secrets are never listed");

        // alice works with her own bucket and cannot touch root's
        S3Client alice = client(true, true, access, secret);
        String hers = newBucketName("alice");
        alice.createBucket(b -> b.bucket(hers));
        assertEquals("alice", alice.listBuckets().owner().displayName());
        assertTrue(alice.listBuckets().buckets().stream().allMatch(b -> b.name().equals(hers)));
        String roots = newBucketName("root");
        rootClient().createBucket(b -> b.bucket(roots));
        S3Exception denied = assertThrows(S3Exception.class, () -> alice.listObjectsV2(b -> b.bucket(roots)));
        assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
        S3Exception taken = assertThrows(S3Exception.class, () -> alice.createBucket(b -> b.bucket(roots)));
        assertEquals("BucketAlreadyExists", taken.awsErrorDetails().errorCode());
        // root sees every bucket
        assertTrue(rootClient().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(hers)));

        RawResponse deleted = management("DELETE", "/admin/users/" + access, Map.of("Authorization", auth), null);
        assertEquals(204, deleted.status());
        S3Exception gone = assertThrows(S3Exception.class, alice::listBuckets);
        assertEquals("InvalidAccessKeyId", gone.awsErrorDetails().errorCode());
        assertEquals(404, management("DELETE", "/admin/users/" + access, Map.of("Authorization", auth), null).status());
    }

    @Test
    void otherManagementEndpointsAreNotServed() throws Exception {
        for (String path : new String[] {"/env", "/beans", "/loggers", "/routes", "/info", "/threaddump", "/refresh"}) {
            RawResponse r = management("GET", path, Map.of(), null);
            assertTrue(r.status() == 404 || r.status() == 401 || r.status() == 403, path + " -> " + r.status());
            assertFalse(r.bodyText().contains(ROOT_SECRET), path);
        }
    }

    @Test
    void adminApiRequiresRootCredentials() throws Exception {
        assertEquals(401, management("GET", "/admin/users", Map.of(), null).status());
        RawResponse wrong = management("GET", "/admin/users", Map.of("Authorization", basic(ROOT_ACCESS, "nope")), null);
        assertEquals(401, wrong.status());
        assertEquals("Basic realm=\"coffer-admin\"", wrong.header("WWW-Authenticate"));
        RawResponse root = management("DELETE", "/admin/users/" + ROOT_ACCESS,
                Map.of("Authorization", basic(ROOT_ACCESS, ROOT_SECRET)), null);
        assertEquals(400, root.status());
    }
}
