package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.shard.api.BucketInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * A bucket's default encryption (Put/Get/DeleteBucketEncryption), kept as BucketInfo attributes. Every
 * Coffer object is encrypted anyway; the default only decides whether a write without SSE headers is
 * answered as SSE-S3 ({@code AES256}, what Coffer does regardless) or wrapped for a KMS key id.
 *
 * @param algorithm "AES256" or "aws:kms"
 * @param kmsKeyId  the KMS key id for aws:kms, or null (then the keyring's default key)
 */
public record BucketEncryption(String algorithm, String kmsKeyId, boolean bucketKeyEnabled) {
    static final String ALGORITHM = "sse-algorithm";
    static final String KMS_KEY_ID = "sse-kms-key-id";
    static final String BUCKET_KEY = "sse-bucket-key";

    public BucketEncryption {
        if (!"AES256".equals(algorithm) && !"aws:kms".equals(algorithm)) {
            throw new IllegalArgumentException("SSE algorithm must be AES256 or aws:kms");
        }
        if (kmsKeyId != null && kmsKeyId.isEmpty()) {
            kmsKeyId = null;
        }
    }

    public boolean kms() {
        return "aws:kms".equals(algorithm);
    }

    /** The bucket's default encryption, or null when none is configured. */
    public static BucketEncryption of(BucketInfo b) {
        String a = b.attributes().get(ALGORITHM);
        if (a == null) {
            return null;
        }
        return new BucketEncryption(a, b.attributes().get(KMS_KEY_ID),
                "true".equals(b.attributes().get(BUCKET_KEY)));
    }

    /** The bucket with this default encryption stored (replacing any other). */
    public BucketInfo storeIn(BucketInfo b) {
        Map<String, String> attrs = new HashMap<>(remove(b.attributes()));
        attrs.put(ALGORITHM, algorithm);
        if (kmsKeyId != null) {
            attrs.put(KMS_KEY_ID, kmsKeyId);
        }
        attrs.put(BUCKET_KEY, Boolean.toString(bucketKeyEnabled));
        return b.withAttributes(attrs);
    }

    /** The bucket without default encryption. */
    public static BucketInfo removeFrom(BucketInfo b) {
        return b.withAttributes(remove(b.attributes()));
    }

    private static Map<String, String> remove(Map<String, String> attrs) {
        Map<String, String> m = new HashMap<>(attrs);
        m.remove(ALGORITHM);
        m.remove(KMS_KEY_ID);
        m.remove(BUCKET_KEY);
        return m;
    }

    /** Parses a ServerSideEncryptionConfiguration document (one rule, as S3 allows). */
    public static BucketEncryption parse(byte[] body, String resource) {
        Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "ServerSideEncryptionConfiguration", resource);
        List<Element> rules = S3XmlReader.children(root, "Rule");
        if (rules.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        Element rule = rules.get(0);
        List<Element> defaults = S3XmlReader.children(rule, "ApplyServerSideEncryptionByDefault");
        if (defaults.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        String algorithm = S3XmlReader.childText(defaults.get(0), "SSEAlgorithm");
        String keyId = S3XmlReader.childText(defaults.get(0), "KMSMasterKeyID");
        if (algorithm == null) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        if (!algorithm.equals("AES256") && !algorithm.equals("aws:kms")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource,
                    "The encryption method specified is not supported: " + algorithm);
        }
        if (algorithm.equals("AES256") && keyId != null && !keyId.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource,
                    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms");
        }
        String bucketKey = S3XmlReader.childText(rule, "BucketKeyEnabled");
        return new BucketEncryption(algorithm, keyId == null ? null : keyId.strip(), "true".equals(bucketKey));
    }

    public String toXml() {
        S3Xml x = S3Xml.document("ServerSideEncryptionConfiguration");
        x.start("Rule").start("ApplyServerSideEncryptionByDefault").element("SSEAlgorithm", algorithm);
        if (kmsKeyId != null) {
            x.element("KMSMasterKeyID", kmsKeyId);
        }
        x.end().element("BucketKeyEnabled", Boolean.toString(bucketKeyEnabled)).end();
        return x.toXml();
    }
}
