package io.coffer.gateway.s3.bucket.config;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import io.coffer.gateway.s3.S3Xml;
import io.coffer.gateway.s3.S3XmlReader;
import io.coffer.shard.api.BucketInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A bucket's CORS rules (Put/Get/DeleteBucketCors), kept as one BucketInfo attribute (the rules
 * re-rendered as a CORSConfiguration document), and the matching S3 does for a request's Origin,
 * method and requested headers. An AllowedOrigin or AllowedHeader may hold one {@code *} wildcard.
 */
public record BucketCors(List<Rule> rules) {
    static final String ATTRIBUTE = "cors";
    static final int MAX_RULES = 100;
    private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");

    /** One CORSRule. */
    public record Rule(String id, List<String> methods, List<String> origins, List<String> headers,
                       List<String> exposeHeaders, Integer maxAgeSeconds) {
        public Rule {
            methods = List.copyOf(methods);
            origins = List.copyOf(origins);
            headers = List.copyOf(headers);
            exposeHeaders = List.copyOf(exposeHeaders);
        }

        /** The origin this rule answers with, if it allows {@code origin} for {@code method}, else null. */
        String allows(String origin, String method, List<String> requestHeaders) {
            if (!methods.contains(method)) {
                return null;
            }
            String matched = null;
            for (String o : origins) {
                if (wildcardMatch(o, origin)) {
                    matched = o.equals("*") ? "*" : origin;
                    break;
                }
            }
            if (matched == null) {
                return null;
            }
            for (String h : requestHeaders) {
                boolean ok = false;
                for (String allowed : headers) {
                    if (wildcardMatch(allowed.toLowerCase(Locale.ROOT), h.toLowerCase(Locale.ROOT))) {
                        ok = true;
                        break;
                    }
                }
                if (!ok) {
                    return null;
                }
            }
            return matched;
        }
    }

    public BucketCors {
        rules = List.copyOf(rules);
    }

    /** The first rule allowing the request, or null. */
    public Rule match(String origin, String method, List<String> requestHeaders) {
        for (Rule r : rules) {
            if (r.allows(origin, method, requestHeaders) != null) {
                return r;
            }
        }
        return null;
    }

    /** The Access-Control-Allow-Origin value {@code rule} answers for {@code origin}. */
    public static String allowOrigin(Rule rule, String origin) {
        return rule.origins().contains("*") && rule.origins().stream().noneMatch(o -> wildcardMatch(o, origin) && !o.equals("*"))
                ? "*" : origin;
    }

    static boolean wildcardMatch(String pattern, String value) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.length() >= prefix.length() + suffix.length() && value.startsWith(prefix) && value.endsWith(suffix);
    }

    /** The bucket's CORS rules, or null when none are configured. */
    public static BucketCors of(BucketInfo b) {
        String doc = b.attributes().get(ATTRIBUTE);
        return doc == null ? null : parse(doc.getBytes(StandardCharsets.UTF_8), "/" + b.name());
    }

    public BucketInfo storeIn(BucketInfo b) {
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.put(ATTRIBUTE, toXml());
        return b.withAttributes(attrs);
    }

    public static BucketInfo removeFrom(BucketInfo b) {
        Map<String, String> attrs = new HashMap<>(b.attributes());
        attrs.remove(ATTRIBUTE);
        return b.withAttributes(attrs);
    }

    /** Parses a CORSConfiguration: MalformedXML for a rule without origins or methods, InvalidRequest for a method S3 does not allow. */
    public static BucketCors parse(byte[] body, String resource) {
        Element root = S3XmlReader.root(S3XmlReader.parse(body, resource), "CORSConfiguration", resource);
        List<Element> ruleElements = S3XmlReader.children(root, "CORSRule");
        if (ruleElements.isEmpty() || ruleElements.size() > MAX_RULES) {
            throw new S3Exception(S3Error.MALFORMED_XML, resource);
        }
        List<Rule> rules = new ArrayList<>();
        for (Element r : ruleElements) {
            List<String> methods = texts(r, "AllowedMethod");
            List<String> origins = texts(r, "AllowedOrigin");
            if (methods.isEmpty() || origins.isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            for (String m : methods) {
                if (!METHODS.contains(m)) {
                    throw new S3Exception(S3Error.INVALID_REQUEST, resource,
                            "Found unsupported HTTP method in CORS config. Unsupported method is " + m);
                }
            }
            for (String o : origins) {
                if (o.indexOf('*') != o.lastIndexOf('*')) {
                    throw new S3Exception(S3Error.INVALID_REQUEST, resource,
                            "AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
                }
            }
            String maxAge = S3XmlReader.childText(r, "MaxAgeSeconds");
            Integer age;
            try {
                age = maxAge == null ? null : Integer.valueOf(maxAge.trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3Error.MALFORMED_XML, resource);
            }
            rules.add(new Rule(S3XmlReader.childText(r, "ID"), methods, origins, texts(r, "AllowedHeader"),
                    texts(r, "ExposeHeader"), age));
        }
        return new BucketCors(rules);
    }

    private static List<String> texts(Element parent, String name) {
        List<String> out = new ArrayList<>();
        for (Element e : S3XmlReader.children(parent, name)) {
            out.add(e.getTextContent().trim());
        }
        return out;
    }

    public String toXml() {
        S3Xml x = S3Xml.document("CORSConfiguration");
        for (Rule r : rules) {
            x.start("CORSRule");
            if (r.id() != null) {
                x.element("ID", r.id());
            }
            r.headers().forEach(h -> x.element("AllowedHeader", h));
            r.methods().forEach(m -> x.element("AllowedMethod", m));
            r.origins().forEach(o -> x.element("AllowedOrigin", o));
            r.exposeHeaders().forEach(h -> x.element("ExposeHeader", h));
            if (r.maxAgeSeconds() != null) {
                x.element("MaxAgeSeconds", r.maxAgeSeconds());
            }
            x.end();
        }
        return x.toXml();
    }
}
