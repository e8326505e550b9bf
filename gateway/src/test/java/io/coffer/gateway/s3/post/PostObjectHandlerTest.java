package io.coffer.gateway.s3.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.gateway.GatewayTestBase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Browser-based uploads (POST Object) over raw HTTP, checked with the AWS SDK. */
class PostObjectHandlerTest extends GatewayTestBase {
    private static final String BOUNDARY = "----cofferFormBoundary7MA4YWxkTrZu0gW";

    private S3Client s3;
    private String bucket;

    @BeforeEach
    void bucket() {
        s3 = rootClient();
        bucket = newBucketName("post");
        s3.createBucket(b -> b.bucket(bucket));
    }

    private String policy(String conditions, Instant expiration) {
        String json = "{\"expiration\": \"" + DateTimeFormatter.ISO_INSTANT.format(expiration.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                + "\", \"conditions\": [" + conditions + "]}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String standardPolicy() {
        return policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"foo\"], {\"acl\": \"private\"},"
                + " [\"starts-with\", \"$Content-Type\", \"text/plain\"], [\"content-length-range\", 0, 1024]",
                Instant.now().plusSeconds(600));
    }

    private static String v2Signature(String secret, String policy) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(policy.getBytes(StandardCharsets.UTF_8)));
    }

    /** A V2-signed form with the given fields (in order), then the file. */
    private Map<String, String> signedForm(String policy, Map<String, String> fields) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AWSAccessKeyId", ROOT_ACCESS);
        form.put("policy", policy);
        form.put("signature", v2Signature(ROOT_SECRET, policy));
        form.putAll(fields);
        return form;
    }

    private static byte[] multipart(Map<String, String> fields, String filename, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private RawResponse post(byte[] body) throws Exception {
        return raw("POST", "/" + bucket, Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY), body);
    }

    private RawResponse post(Map<String, String> fields, String filename, byte[] file) throws Exception {
        return post(multipart(fields, filename, file));
    }

    private byte[] get(String key) {
        ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        return r.asByteArray();
    }

    private static Map<String, String> fields(String... nameValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    @Test
    void v2SignedFormStoresTheFileAndAnswers204() throws Exception {
        RawResponse r = post(signedForm(standardPolicy(), fields("key", "foo.txt", "acl", "private",
                "Content-Type", "text/plain", "x-ignore-me", "anything")), "local.txt", "bar".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, r.status(), r.bodyText());
        assertNotNull(r.header("ETag"));
        assertArrayEquals("bar".getBytes(StandardCharsets.UTF_8), get("foo.txt"));
        assertEquals("text/plain", s3.headObject(b -> b.bucket(bucket).key("foo.txt")).contentType());
    }

    @Test
    void keyTakesTheFilenameAndFieldNamesAreCaseInsensitive() throws Exception {
        String policy = policy("{\"bUcKeT\": \"" + bucket + "\"}, [\"StArTs-WiTh\", \"$KeY\", \"foo\"],"
                + " [\"starts-with\", \"$x-amz-meta-color\", \"bl\"]", Instant.now().plusSeconds(600));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("kEy", "${filename}");
        form.put("AWSAccessKeyId", ROOT_ACCESS);
        form.put("pOLICy", policy);
        form.put("signature", v2Signature(ROOT_SECRET, policy));
        form.put("x-amz-meta-color", "blue");
        assertEquals(204, post(form, "foo-name.bin", new byte[] {1, 2, 3}).status());
        assertArrayEquals(new byte[] {1, 2, 3}, get("foo-name.bin"));
        assertEquals("blue", s3.headObject(b -> b.bucket(bucket).key("foo-name.bin")).metadata().get("color"));
    }

    @Test
    void successActionStatus201AnswersPostResponseAndRedirectAnswers303() throws Exception {
        String policy = policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"\"],"
                + " [\"starts-with\", \"$success_action_status\", \"\"],"
                + " [\"starts-with\", \"$success_action_redirect\", \"\"]", Instant.now().plusSeconds(600));
        RawResponse created = post(signedForm(policy, fields("key", "a.txt", "success_action_status", "201")),
                "a", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.status());
        assertTrue(created.bodyText().contains("<PostResponse><Location>"), created.bodyText());
        assertTrue(created.bodyText().contains("<Bucket>" + bucket + "</Bucket><Key>a.txt</Key><ETag>&quot;"),
                created.bodyText());
        RawResponse ok = post(signedForm(policy, fields("key", "b.txt", "success_action_status", "200")),
                "b", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, ok.status());
        assertEquals(0, ok.body().length);
        RawResponse redirected = post(signedForm(policy, fields("key", "c.txt",
                "success_action_redirect", "http://example.com/done")), "c", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(303, redirected.status());
        String etag = s3.headObject(b -> b.bucket(bucket).key("c.txt")).eTag().replace("\"", "");
        assertEquals("http://example.com/done?bucket=" + bucket + "&key=c.txt&etag=%22" + etag + "%22",
                redirected.header("Location"));
        RawResponse other = post(signedForm(policy, fields("key", "d.txt", "success_action_status", "404")),
                "d", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, other.status());
    }

    @Test
    void fileLargerThanOneReadStreamsWhole() throws Exception {
        byte[] file = new byte[3 << 20];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31 + (i >> 13));
        }
        String policy = policy("{\"bucket\": \"" + bucket + "\"}, [\"eq\", \"$key\", \"big\"],"
                + " [\"content-length-range\", 1048576, 5242880]", Instant.now().plusSeconds(600));
        assertEquals(204, post(signedForm(policy, fields("key", "big")), "big", file).status());
        assertArrayEquals(file, get("big"));
    }

    @Test
    void policyViolationsAreAccessDenied403() throws Exception {
        byte[] bar = "bar".getBytes(StandardCharsets.UTF_8);
        // key condition fails
        RawResponse r = post(signedForm(standardPolicy(), fields("key", "nope.txt", "acl", "private",
                "Content-Type", "text/plain")), "f", bar);
        assertEquals(403, r.status());
        assertTrue(r.bodyText().contains("<Code>AccessDenied</Code>"), r.bodyText());
        // a field the policy does not mention
        assertEquals(403, post(signedForm(standardPolicy(), fields("key", "foo.txt", "acl", "private",
                "Content-Type", "text/plain", "x-amz-meta-extra", "1")), "f", bar).status());
        // expired
        String expired = policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"\"]",
                Instant.now().minusSeconds(60));
        assertEquals(403, post(signedForm(expired, fields("key", "foo.txt")), "f", bar).status());
        // wrong secret and unknown key
        Map<String, String> forged = signedForm(standardPolicy(), fields("key", "foo.txt", "acl", "private",
                "Content-Type", "text/plain"));
        forged.put("signature", v2Signature("not-the-secret", forged.get("policy")));
        RawResponse bad = post(forged, "f", bar);
        assertEquals(403, bad.status());
        assertTrue(bad.bodyText().contains("SignatureDoesNotMatch"), bad.bodyText());
        forged.put("AWSAccessKeyId", "CFNOSUCHKEY000000000");
        assertTrue(post(forged, "f", bar).bodyText().contains("InvalidAccessKeyId"));
        assertThrows(NoSuchKeyException.class, () -> get("foo.txt"));
    }

    @Test
    void malformedPoliciesAndFormsAre400() throws Exception {
        byte[] bar = "bar".getBytes(StandardCharsets.UTF_8);
        String noExpiration = Base64.getEncoder().encodeToString(
                "{\"conditions\": [[\"starts-with\", \"$key\", \"\"]]}".getBytes(StandardCharsets.UTF_8));
        RawResponse r = post(signedForm(noExpiration, fields("key", "foo.txt")), "f", bar);
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("<Code>InvalidPolicyDocument</Code>"), r.bodyText());
        String empty = policy("{}", Instant.now().plusSeconds(600));
        assertEquals(400, post(signedForm(empty, fields("key", "foo.txt")), "f", bar).status());
        String badRange = policy("[\"starts-with\", \"$key\", \"\"], [\"content-length-range\", -1, 0]",
                Instant.now().plusSeconds(600));
        assertEquals(400, post(signedForm(badRange, fields("key", "foo.txt")), "f", bar).status());
        // no key field
        String any = policy("{\"bucket\": \"" + bucket + "\"}", Instant.now().plusSeconds(600));
        RawResponse noKey = post(signedForm(any, fields()), "f", bar);
        assertEquals(400, noKey.status());
        assertTrue(noKey.bodyText().contains("InvalidArgument"), noKey.bodyText());
        // a policy but no signature
        Map<String, String> unsigned = signedForm(any, fields("key", "foo.txt"));
        unsigned.remove("signature");
        assertEquals(400, post(unsigned, "f", bar).status());
    }

    @Test
    void contentLengthRangeIsEnforced() throws Exception {
        String tooSmall = policy("[\"starts-with\", \"$key\", \"\"], [\"content-length-range\", 512, 1000]",
                Instant.now().plusSeconds(600));
        RawResponse small = post(signedForm(tooSmall, fields("key", "s")), "f", new byte[3]);
        assertEquals(400, small.status());
        assertTrue(small.bodyText().contains("EntityTooSmall"), small.bodyText());
        String zero = policy("[\"starts-with\", \"$key\", \"\"], [\"content-length-range\", 0, 0]",
                Instant.now().plusSeconds(600));
        RawResponse large = post(signedForm(zero, fields("key", "s")), "f", new byte[3]);
        assertEquals(400, large.status());
        assertTrue(large.bodyText().contains("EntityTooLarge"), large.bodyText());
    }

    @Test
    void checksumFieldIsVerifiedAndTaggingStored() throws Exception {
        String policy = policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"\"],"
                + " [\"starts-with\", \"$tagging\", \"\"]", Instant.now().plusSeconds(600));
        byte[] file = "hello".getBytes(StandardCharsets.UTF_8);
        String sha = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(file));
        String tagging = "<Tagging><TagSet><Tag><Key>k</Key><Value>v w</Value></Tag></TagSet></Tagging>";
        assertEquals(204, post(signedForm(policy, fields("key", "t", "tagging", tagging,
                "x-amz-checksum-sha256", sha)), "f", file).status());
        assertEquals("v w", s3.getObjectTagging(b -> b.bucket(bucket).key("t")).tagSet().get(0).value());
        RawResponse bad = post(signedForm(policy, fields("key", "u", "x-amz-checksum-sha256", "sailorjerry")), "f", file);
        assertEquals(400, bad.status(), bad.bodyText());
        assertThrows(NoSuchKeyException.class, () -> get("u"));
    }

    @Test
    void sigV4SignedFormIsAccepted() throws Exception {
        Instant now = Instant.now();
        String day = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(now);
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
        String credential = ROOT_ACCESS + "/" + day + "/" + REGION + "/s3/aws4_request";
        String policy = policy("{\"bucket\": \"" + bucket + "\"}, [\"starts-with\", \"$key\", \"v4/\"],"
                + " {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}, {\"x-amz-credential\": \"" + credential + "\"},"
                + " {\"x-amz-date\": \"" + amzDate + "\"}", now.plusSeconds(600));
        byte[] key = hmac(("AWS4" + ROOT_SECRET).getBytes(StandardCharsets.UTF_8), day);
        for (String part : new String[] {REGION, "s3", "aws4_request"}) {
            key = hmac(key, part);
        }
        String signature = HexFormat.of().formatHex(hmac(key, policy));
        Map<String, String> form = fields("key", "v4/obj", "x-amz-algorithm", "AWS4-HMAC-SHA256",
                "x-amz-credential", credential, "x-amz-date", amzDate, "policy", policy, "x-amz-signature", signature);
        assertEquals(204, post(form, "f", new byte[] {9}).status());
        assertArrayEquals(new byte[] {9}, get("v4/obj"));
        form.put("x-amz-signature", signature.replace(signature.charAt(0), signature.charAt(0) == 'a' ? 'b' : 'a'));
        assertEquals(403, post(form, "f", new byte[] {9}).status());
    }

    @Test
    void unsignedFormIsAccessDeniedAndMalformedFormsAre400() throws Exception {
        RawResponse anonymous = post(fields("key", "anon"), "f", new byte[] {1});
        assertEquals(403, anonymous.status());
        // fields after the file: the declared file bytes would contain the next part
        String any = policy("[\"starts-with\", \"$key\", \"\"], [\"starts-with\", \"$x-late\", \"\"]",
                Instant.now().plusSeconds(600));
        byte[] valid = multipart(signedForm(any, fields("key", "late")), "f", new byte[] {1, 2});
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        String late = new String(valid, StandardCharsets.ISO_8859_1);
        late = late.substring(0, late.length() - tail.length()) + "\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"x-late\"\r\n\r\nz" + tail;
        RawResponse r = post(late.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("MalformedPOSTRequest"), r.bodyText());
        assertThrows(NoSuchKeyException.class, () -> get("late"));
        // no boundary at all
        RawResponse noBoundary = raw("POST", "/" + bucket, Map.of("Content-Type", "multipart/form-data"),
                new byte[] {1});
        assertEquals(400, noBoundary.status());
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}
