package io.coffer.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PostPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-29T07:00:00Z");
    private static final String POLICY_JSON = """
            {"expiration": "2026-11-29T08:00:00.000Z",
             "conditions": [
               {"bucket": "photos"},
               ["starts-with", "$key", "uploads/"],
               {"acl": "private"},
               ["starts-with", "$Content-Type", "image/"],
               ["content-length-range", 10, 1024],
               ["eq", "$x-amz-meta-owner", "ann"]
             ]}""";
    private static final String POLICY = PostPolicy.encode(POLICY_JSON);

    private static SigV4Verifier verifier() {
        return new SigV4Verifier(k -> "AKIDPOST".equals(k) ? Optional.of(new Credentials("AKIDPOST", "postsecret"))
                : Optional.empty(), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, String> form() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("key", "uploads/cat.jpg");
        f.put("acl", "private");
        f.put("Content-Type", "image/jpeg");
        f.put("x-amz-meta-owner", "ann");
        f.put("policy", POLICY);
        return f;
    }

    /** The legacy form signature as ceph/s3-tests computes it: base64(HMAC-SHA1(secret, policy)). */
    private static String v2Signature(String secret, String policy) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(policy.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void legacyFormSignatureVerifies() throws Exception {
        Map<String, String> f = form();
        f.put("AWSAccessKeyId", "AKIDPOST");
        f.put("signature", v2Signature("postsecret", POLICY));
        AuthResult r = verifier().verifyPostPolicy(f);
        assertEquals(AuthMethod.POST_POLICY, r.method());
        assertEquals("AKIDPOST", r.accessKey());
        f.put("signature", v2Signature("wrong", POLICY));
        assertEquals("SignatureDoesNotMatch", assertThrows(AuthException.class,
                () -> verifier().verifyPostPolicy(f)).code());
        f.put("AWSAccessKeyId", "AKIDNOBODY");
        assertEquals("InvalidAccessKeyId", assertThrows(AuthException.class,
                () -> verifier().verifyPostPolicy(f)).code());
    }

    @Test
    void sigV4FormSignatureVerifies() {
        byte[] key = SigningKeyCache.derive("postsecret", "20261129", "us-east-1", "s3");
        Map<String, String> f = form();
        f.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        f.put("X-Amz-Credential", "AKIDPOST/20261129/us-east-1/s3/aws4_request");
        f.put("X-Amz-Date", "20261129T065500Z");
        f.put("X-Amz-Signature", SigningCrypto.hmacHex(key, POLICY));
        assertEquals("AKIDPOST", verifier().verifyPostPolicy(f).accessKey());
        f.put("policy", PostPolicy.encode(POLICY_JSON.replace("ann", "bob")));
        assertEquals("SignatureDoesNotMatch", assertThrows(AuthException.class,
                () -> verifier().verifyPostPolicy(f)).code());
    }

    @Test
    void formWithoutSignatureFieldsIsAnonymousButPolicyWithoutSignatureIsRejected() {
        assertTrue(verifier().verifyPostPolicy(Map.of("key", "a")).isAnonymous());
        AuthException e = assertThrows(AuthException.class, () -> verifier().verifyPostPolicy(form()));
        assertEquals(400, e.status());
        Map<String, String> noPolicy = new LinkedHashMap<>(Map.of("AWSAccessKeyId", "AKIDPOST", "signature", "x"));
        assertEquals(400, assertThrows(AuthException.class, () -> verifier().verifyPostPolicy(noPolicy)).status());
    }

    @Test
    void policyConditionsAreAppliedToTheForm() {
        PostPolicy policy = PostPolicy.parse(POLICY);
        assertEquals(Instant.parse("2026-11-29T08:00:00Z"), policy.expiration());
        policy.check(form(), "photos", NOW);

        Map<String, String> wrongKey = form();
        wrongKey.put("key", "elsewhere/cat.jpg");
        AuthException e = assertThrows(AuthException.class, () -> policy.check(wrongKey, "photos", NOW));
        assertEquals("AccessDenied", e.code());
        assertTrue(e.getMessage().startsWith("Invalid according to Policy: Policy Condition failed"), e.getMessage());

        assertEquals("AccessDenied", assertThrows(AuthException.class,
                () -> policy.check(form(), "other-bucket", NOW)).code());

        Map<String, String> extra = form();
        extra.put("x-amz-meta-extra", "1");
        assertTrue(assertThrows(AuthException.class, () -> policy.check(extra, "photos", NOW)).getMessage()
                .contains("Extra input fields: x-amz-meta-extra"));
        Map<String, String> ignored = form();
        ignored.put("x-ignore-tracking", "1");
        policy.check(ignored, "photos", NOW);

        AuthException expired = assertThrows(AuthException.class,
                () -> policy.check(form(), "photos", Instant.parse("2026-11-29T08:00:00Z")));
        assertEquals("Invalid according to Policy: Policy expired.", expired.getMessage());
    }

    @Test
    void contentLengthRangeIsEnforced() {
        PostPolicy policy = PostPolicy.parse(POLICY);
        policy.checkContentLength(10);
        policy.checkContentLength(1024);
        assertEquals("EntityTooSmall", assertThrows(AuthException.class, () -> policy.checkContentLength(9)).code());
        assertEquals("EntityTooLarge", assertThrows(AuthException.class,
                () -> policy.checkContentLength(1025)).code());
        assertEquals(1024, policy.maxLength());
    }

    @Test
    void invalidPolicyDocumentsAreRejected() {
        for (String json : new String[] {
                "not json",
                "[]",
                "{\"conditions\": []}",
                "{\"expiration\": \"tomorrow\", \"conditions\": []}",
                "{\"expiration\": \"2026-11-29T08:00:00Z\"}",
                "{\"expiration\": \"2026-11-29T08:00:00Z\", \"conditions\": [[\"matches\", \"$key\", \"x\"]]}",
                "{\"expiration\": \"2026-11-29T08:00:00Z\", \"conditions\": [[\"eq\", \"key\", \"x\"]]}",
                "{\"expiration\": \"2026-11-29T08:00:00Z\", \"conditions\": [{\"a\": \"1\", \"b\": \"2\"}]}"}) {
            AuthException e = assertThrows(AuthException.class, () -> PostPolicy.parse(PostPolicy.encode(json)), json);
            assertEquals("InvalidPolicyDocument", e.code());
            assertEquals(400, e.status());
        }
        assertEquals("InvalidPolicyDocument", assertThrows(AuthException.class,
                () -> PostPolicy.parse("%%%not-base64")).code());
    }
}
