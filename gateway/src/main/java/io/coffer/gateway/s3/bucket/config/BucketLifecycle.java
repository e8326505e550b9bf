package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.shard.api.BucketInfo;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A bucket's lifecycle configuration (Put/Get/DeleteBucketLifecycleConfiguration), validated the way S3
 * validates it and kept as one BucketInfo attribute: the client's document, with an ID added to rules
 * that have none, answered back as stored. Coffer stores and validates the rules; it does not run them
 * yet (no expiration or transition happens; see docs/decisions/sse-s3-and-kms.md).
 */
public final class BucketLifecycle {
    static final String ATTRIBUTE = "lifecycle";
    static final int MAX_RULES = 1000;
    static final int MAX_ID = 255;
    private static final Set<String> STORAGE_CLASSES = Set.of("GLACIER", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BucketLifecycle() {
    }

    /** The stored document, or null when the bucket has no lifecycle configuration. */
    public static String of(BucketInfo b) {
        return b.attributes().get(ATTRIBUTE);
    }

    public static BucketInfo storeIn(BucketInfo b, String document) {
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.put(ATTRIBUTE, document);
        return b.withAttributes(attrs);
    }

    public static BucketInfo removeFrom(BucketInfo b) {
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.remove(ATTRIBUTE);
        return b.withAttributes(attrs);
    }

    /**
     * Validates a LifecycleConfiguration document and returns it as it will be stored: MalformedXML for a
     * structural error or a Status other than Enabled/Disabled; InvalidArgument for an ID over 255
     * characters, duplicate IDs, non-positive Days, or a Date that is not midnight UTC.
     */
    public static String validate(byte[] body, String resource) {
        Document doc = S3XmlReader.parse(body, resource);
        Element root = S3XmlReader.root(doc, "LifecycleConfiguration", resource);
        List<Element> rules = S3XmlReader.children(root, "Rule");
        if (rules.isEmpty() || rules.size() > MAX_RULES) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        Set<String> ids = new HashSet<>();
        for (Element rule : rules) {
            String id = S3XmlReader.childText(rule, "ID");
            if (id == null || id.isEmpty()) {
                id = newId();
                Element e = doc.createElementNS(rule.getNamespaceURI(), rule.getPrefix() == null ? "ID" : rule.getPrefix() + ":ID");
                e.setTextContent(id);
                rule.insertBefore(e, rule.getFirstChild());
            }
            if (id.length() > MAX_ID) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "ID length should not exceed allowed limit of 255");
            }
            if (!ids.add(id)) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "Rule ID must be unique. Found same ID for more than one rule");
            }
            String status = S3XmlReader.childText(rule, "Status");
            if (!"Enabled".equals(status) && !"Disabled".equals(status)) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            boolean hasAction = false;
            for (Element exp : S3XmlReader.children(rule, "Expiration")) {
                hasAction = true;
                positiveDays(exp, "Days", resource);
                midnight(exp, resource);
            }
            for (Element t : S3XmlReader.children(rule, "Transition")) {
                hasAction = true;
                nonNegativeDays(t, "Days", resource);
                midnight(t, resource);
                storageClass(t, resource);
            }
            for (Element n : S3XmlReader.children(rule, "NoncurrentVersionExpiration")) {
                hasAction = true;
                positiveDays(n, "NoncurrentDays", resource);
            }
            for (Element n : S3XmlReader.children(rule, "NoncurrentVersionTransition")) {
                hasAction = true;
                nonNegativeDays(n, "NoncurrentDays", resource);
                storageClass(n, resource);
            }
            for (Element a : S3XmlReader.children(rule, "AbortIncompleteMultipartUpload")) {
                hasAction = true;
                positiveDays(a, "DaysAfterInitiation", resource);
            }
            if (!hasAction) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            if (!S3XmlReader.children(rule, "Prefix").isEmpty() && !S3XmlReader.children(rule, "Filter").isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
        }
        return serialize(doc, resource);
    }

    private static void positiveDays(Element parent, String name, String resource) {
        Integer days = days(parent, name, resource);
        if (days != null && days <= 0) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "'" + name + "' for Expiration action must be a positive integer");
        }
    }

    private static void nonNegativeDays(Element parent, String name, String resource) {
        Integer days = days(parent, name, resource);
        if (days != null && days < 0) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "'" + name + "' in Transition action must be nonnegative");
        }
    }

    private static Integer days(Element parent, String name, String resource) {
        String v = S3XmlReader.childText(parent, name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
    }

    private static void midnight(Element parent, String resource) {
        String v = S3XmlReader.childText(parent, "Date");
        if (v == null) {
            return;
        }
        try {
            Instant t = Instant.parse(v.trim());
            if (t.atOffset(ZoneOffset.UTC).toLocalTime().toNanoOfDay() != 0) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "'Date' must be at midnight GMT");
            }
        } catch (DateTimeParseException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, resource, "'Date' must be an ISO 8601 date at midnight GMT");
        }
    }

    private static void storageClass(Element parent, String resource) {
        String sc = S3XmlReader.childText(parent, "StorageClass");
        if (sc == null || !STORAGE_CLASSES.contains(sc)) {
            throw new S3Exception(S3Error.INVALID_STORAGE_CLASS, resource);
        }
    }

    private static String newId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String serialize(Node doc, String resource) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (TransformerException e) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
    }
}
