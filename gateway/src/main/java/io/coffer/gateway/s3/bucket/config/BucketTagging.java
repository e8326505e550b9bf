package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.shard.api.BucketInfo;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * A bucket's tag set (Put/Get/DeleteBucketTagging), kept as one BucketInfo attribute in the
 * URL-encoded {@code k=v&k2=v2} form. S3's limits: 50 tags, keys 1..128 and values 0..256 characters,
 * no duplicate keys, no {@code aws:} prefix. Answered in key order, as S3 does.
 */
public final class BucketTagging {
    static final String ATTRIBUTE = "tagging";
    static final int MAX_TAGS = 50;

    private BucketTagging() {
    }

    /** The bucket's tags in key order, or null when it has no tag set. */
    public static Map<String, String> of(BucketInfo b) {
        String stored = b.attributes().get(ATTRIBUTE);
        if (stored == null) {
            return null;
        }
        Map<String, String> tags = new TreeMap<>();
        for (String pair : stored.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            tags.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return tags;
    }

    public static BucketInfo storeIn(BucketInfo b, Map<String, String> tags) {
        StringJoiner j = new StringJoiner("&");
        tags.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.put(ATTRIBUTE, j.toString());
        return b.withAttributes(attrs);
    }

    public static BucketInfo removeFrom(BucketInfo b) {
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.remove(ATTRIBUTE);
        return b.withAttributes(attrs);
    }

    /** Parses a Tagging document, enforcing S3's bucket tag limits (InvalidTag, MalformedXML). */
    public static Map<String, String> parse(byte[] body, String resource) {
        Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "Tagging", resource);
        List<Element> sets = S3XmlReader.children(root, "TagSet");
        if (sets.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        Map<String, String> tags = new TreeMap<>();
        for (Element tag : S3XmlReader.children(sets.get(0), "Tag")) {
            String k = rawText(tag, "Key");
            String v = rawText(tag, "Value");
            if (k == null || v == null) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            if (k.isEmpty() || k.codePointCount(0, k.length()) > 128) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "The TagKey you have provided is invalid");
            }
            if (v.codePointCount(0, v.length()) > 256) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "The TagValue you have provided is invalid");
            }
            if (k.startsWith("aws:")) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "System tags cannot be added/updated by requester");
            }
            if (tags.put(k, v) != null) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "Cannot provide multiple Tags with the same key");
            }
        }
        if (tags.size() > MAX_TAGS) {
            throw new S3Exception(S3Error.INVALID_TAG, resource, "Bucket tag count cannot be greater than 50");
        }
        return tags;
    }

    public static String toXml(Map<String, String> tags) {
        S3Xml x = S3Xml.document("Tagging").start("TagSet");
        tags.forEach((k, v) -> x.start("Tag").element("Key", k).element("Value", v).end());
        return x.end().toXml();
    }

    /** Untrimmed text: tag keys and values may begin or end with spaces. */
    private static String rawText(Element parent, String name) {
        List<Element> c = S3XmlReader.children(parent, name);
        return c.isEmpty() ? null : c.get(0).getTextContent();
    }
}
