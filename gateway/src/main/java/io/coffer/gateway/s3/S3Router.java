package io.coffer.gateway.s3;

import static io.coffer.gateway.s3.S3Operation.*;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Method + path + query subresources + headers to exactly one {@link S3Operation}.
 *
 * <p>Both addressing styles: path-style {@code /bucket/key} and virtual-hosted-style
 * {@code bucket.<domain>/key} for the configured domain. Path decoding is strict percent-decoding
 * of UTF-8 ({@code +} stays a plus: S3 keys may contain it); query values are decoded as forms.
 * Subresource order follows S3: the most specific subresource wins, e.g.
 * {@code PUT ?partNumber&uploadId} with {@code x-amz-copy-source} is UploadPartCopy.
 */
public final class S3Router {
    private final String domain;

    /** @param domain the virtual-hosted-style base domain (e.g. {@code s3.example.com}), or null/blank for none */
    public S3Router(String domain) {
        this.domain = domain == null || domain.isBlank() ? null : domain.toLowerCase(Locale.ROOT);
    }

    public S3Route route(HttpMethod method, String uri, String host, HttpHeaders headers) {
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        Map<String, List<String>> query = q < 0 ? Map.of() : decodeQuery(uri.substring(q + 1));
        String path = decodePath(rawPath);
        if (!path.startsWith("/")) {
            // absolute-form request targets (http://host/path) are legal HTTP but S3 clients never send them
            throw new S3Exception(S3Error.INVALID_URI, path);
        }
        String bucket;
        String key;
        String hostBucket = bucketFromHost(host);
        if (hostBucket != null) {
            bucket = hostBucket;
            key = path.length() > 1 ? path.substring(1) : null;
            path = "/" + bucket + path;
        } else {
            String rest = path.substring(1);
            int slash = rest.indexOf('/');
            if (rest.isEmpty()) {
                bucket = null;
                key = null;
            } else if (slash < 0) {
                bucket = rest;
                key = null;
            } else {
                bucket = rest.substring(0, slash);
                key = rest.substring(slash + 1);
                if (key.isEmpty()) {
                    key = null;
                }
            }
        }
        S3Operation op;
        if (bucket == null) {
            op = method.equals(HttpMethod.GET) ? LIST_BUCKETS : UNKNOWN;
        } else if (key == null) {
            op = bucketOperation(method, query);
        } else {
            op = objectOperation(method, query, headers);
        }
        return new S3Route(op, bucket, key, path, query);
    }

    /** The bucket named by a virtual-hosted-style Host header, or null for path style. */
    String bucketFromHost(String host) {
        if (domain == null || host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        if (h.endsWith("." + domain) && h.length() > domain.length() + 1) {
            return host.substring(0, h.length() - domain.length() - 1);
        }
        return null;
    }

    private static S3Operation bucketOperation(HttpMethod m, Map<String, List<String>> q) {
        String method = m.name();
        switch (method) {
            case "GET" -> {
                if (q.containsKey("location")) return GET_BUCKET_LOCATION;
                if (q.containsKey("versioning")) return GET_BUCKET_VERSIONING;
                if (q.containsKey("acl")) return GET_BUCKET_ACL;
                if (q.containsKey("uploads")) return LIST_MULTIPART_UPLOADS;
                if (q.containsKey("versions")) return LIST_OBJECT_VERSIONS;
                if (q.containsKey("tagging")) return GET_BUCKET_TAGGING;
                if (q.containsKey("policy")) return GET_BUCKET_POLICY;
                if (q.containsKey("policyStatus")) return GET_BUCKET_POLICY_STATUS;
                if (q.containsKey("cors")) return GET_BUCKET_CORS;
                if (q.containsKey("lifecycle")) return GET_BUCKET_LIFECYCLE;
                if (q.containsKey("encryption")) return GET_BUCKET_ENCRYPTION;
                if (q.containsKey("website")) return GET_BUCKET_WEBSITE;
                if (q.containsKey("logging")) return GET_BUCKET_LOGGING;
                if (q.containsKey("notification")) return GET_BUCKET_NOTIFICATION;
                if (q.containsKey("replication")) return GET_BUCKET_REPLICATION;
                if (q.containsKey("requestPayment")) return GET_BUCKET_REQUEST_PAYMENT;
                if (q.containsKey("accelerate")) return GET_BUCKET_ACCELERATE;
                if (q.containsKey("ownershipControls")) return GET_BUCKET_OWNERSHIP_CONTROLS;
                if (q.containsKey("publicAccessBlock")) return GET_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("object-lock")) return GET_OBJECT_LOCK_CONFIGURATION;
                if (q.containsKey("analytics")) return GET_BUCKET_ANALYTICS;
                if (q.containsKey("metrics")) return GET_BUCKET_METRICS;
                if (q.containsKey("inventory")) return GET_BUCKET_INVENTORY;
                if (q.containsKey("intelligent-tiering")) return GET_BUCKET_INTELLIGENT_TIERING;
                if ("2".equals(first(q, "list-type"))) return LIST_OBJECTS_V2;
                return LIST_OBJECTS;
            }
            case "HEAD" -> {
                return HEAD_BUCKET;
            }
            case "PUT" -> {
                if (q.containsKey("versioning")) return PUT_BUCKET_VERSIONING;
                if (q.containsKey("acl")) return PUT_BUCKET_ACL;
                if (q.containsKey("tagging")) return PUT_BUCKET_TAGGING;
                if (q.containsKey("policy")) return PUT_BUCKET_POLICY;
                if (q.containsKey("cors")) return PUT_BUCKET_CORS;
                if (q.containsKey("lifecycle")) return PUT_BUCKET_LIFECYCLE;
                if (q.containsKey("encryption")) return PUT_BUCKET_ENCRYPTION;
                if (q.containsKey("website")) return PUT_BUCKET_WEBSITE;
                if (q.containsKey("logging")) return PUT_BUCKET_LOGGING;
                if (q.containsKey("notification")) return PUT_BUCKET_NOTIFICATION;
                if (q.containsKey("replication")) return PUT_BUCKET_REPLICATION;
                if (q.containsKey("requestPayment")) return PUT_BUCKET_REQUEST_PAYMENT;
                if (q.containsKey("accelerate")) return PUT_BUCKET_ACCELERATE;
                if (q.containsKey("ownershipControls")) return PUT_BUCKET_OWNERSHIP_CONTROLS;
                if (q.containsKey("publicAccessBlock")) return PUT_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("object-lock")) return PUT_OBJECT_LOCK_CONFIGURATION;
                if (q.containsKey("analytics")) return PUT_BUCKET_ANALYTICS;
                if (q.containsKey("metrics")) return PUT_BUCKET_METRICS;
                if (q.containsKey("inventory")) return PUT_BUCKET_INVENTORY;
                if (q.containsKey("intelligent-tiering")) return PUT_BUCKET_INTELLIGENT_TIERING;
                return CREATE_BUCKET;
            }
            case "DELETE" -> {
                if (q.containsKey("tagging")) return DELETE_BUCKET_TAGGING;
                if (q.containsKey("policy")) return DELETE_BUCKET_POLICY;
                if (q.containsKey("cors")) return DELETE_BUCKET_CORS;
                if (q.containsKey("lifecycle")) return DELETE_BUCKET_LIFECYCLE;
                if (q.containsKey("encryption")) return DELETE_BUCKET_ENCRYPTION;
                if (q.containsKey("website")) return DELETE_BUCKET_WEBSITE;
                if (q.containsKey("replication")) return DELETE_BUCKET_REPLICATION;
                if (q.containsKey("ownershipControls")) return DELETE_BUCKET_OWNERSHIP_CONTROLS;
                if (q.containsKey("publicAccessBlock")) return DELETE_PUBLIC_ACCESS_BLOCK;
                if (q.containsKey("analytics")) return DELETE_BUCKET_ANALYTICS;
                if (q.containsKey("metrics")) return DELETE_BUCKET_METRICS;
                if (q.containsKey("inventory")) return DELETE_BUCKET_INVENTORY;
                if (q.containsKey("intelligent-tiering")) return DELETE_BUCKET_INTELLIGENT_TIERING;
                return DELETE_BUCKET;
            }
            case "POST" -> {
                if (q.containsKey("delete")) return DELETE_OBJECTS;
                return POST_OBJECT;
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    private static S3Operation objectOperation(HttpMethod m, Map<String, List<String>> q, HttpHeaders h) {
        boolean copy = h != null && h.contains("x-amz-copy-source");
        switch (m.name()) {
            case "GET" -> {
                if (q.containsKey("uploadId")) return LIST_PARTS;
                if (q.containsKey("tagging")) return GET_OBJECT_TAGGING;
                if (q.containsKey("acl")) return GET_OBJECT_ACL;
                if (q.containsKey("attributes")) return GET_OBJECT_ATTRIBUTES;
                if (q.containsKey("retention")) return GET_OBJECT_RETENTION;
                if (q.containsKey("legal-hold")) return GET_OBJECT_LEGAL_HOLD;
                if (q.containsKey("torrent")) return GET_OBJECT_TORRENT;
                return GET_OBJECT;
            }
            case "HEAD" -> {
                return HEAD_OBJECT;
            }
            case "PUT" -> {
                if (q.containsKey("partNumber") && q.containsKey("uploadId")) {
                    return copy ? UPLOAD_PART_COPY : UPLOAD_PART;
                }
                if (q.containsKey("tagging")) return PUT_OBJECT_TAGGING;
                if (q.containsKey("acl")) return PUT_OBJECT_ACL;
                if (q.containsKey("retention")) return PUT_OBJECT_RETENTION;
                if (q.containsKey("legal-hold")) return PUT_OBJECT_LEGAL_HOLD;
                return copy ? COPY_OBJECT : PUT_OBJECT;
            }
            case "DELETE" -> {
                if (q.containsKey("uploadId")) return ABORT_MULTIPART_UPLOAD;
                if (q.containsKey("tagging")) return DELETE_OBJECT_TAGGING;
                return DELETE_OBJECT;
            }
            case "POST" -> {
                if (q.containsKey("uploads")) return CREATE_MULTIPART_UPLOAD;
                if (q.containsKey("uploadId")) return COMPLETE_MULTIPART_UPLOAD;
                if (q.containsKey("restore")) return RESTORE_OBJECT;
                if (q.containsKey("select")) return SELECT_OBJECT_CONTENT;
                return UNKNOWN;
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static Map<String, List<String>> decodeQuery(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return Map.of();
        }
        try {
            // hasPath=false: the string is only the query; QueryStringDecoder keeps "?acl" as acl -> [""]
            Map<String, List<String>> decoded = new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters();
            return new LinkedHashMap<>(decoded);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_URI, null, "Couldn't parse the specified URI.");
        }
    }

    /** Strict percent-decoding of a UTF-8 path; '+' is a literal plus, malformed input is InvalidURI. */
    static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new S3Exception(S3Error.INVALID_URI, raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new S3Exception(S3Error.INVALID_URI, raw);
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                int cp = raw.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new S3Exception(S3Error.INVALID_URI, raw);
        }
        if (hasC1Control(decoded)) {
            // S3 refuses C1 control characters (U+0080..U+009F) in a path: 400 InvalidURI, even on a GET
            throw new S3Exception(S3Error.INVALID_URI, raw);
        }
        return decoded;
    }

    private static boolean hasC1Control(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 && c <= 0x9f) {
                return true;
            }
        }
        return false;
    }
}
