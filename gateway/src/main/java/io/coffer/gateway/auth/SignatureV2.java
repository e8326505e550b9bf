package io.coffer.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * AWS Signature Version 2 (legacy, HMAC-SHA1): "Authorization: AWS AKID:signature" and presigned
 * "?AWSAccessKeyId=..&Expires=..&Signature=..". The string to sign is the method, Content-MD5,
 * Content-Type, the date (empty when x-amz-date is sent; Expires when presigned), the x-amz-* headers and
 * the resource: "/bucket/key" plus the sub-resources clients sign.
 */
final class SignatureV2 {

    /** Query parameters that belong to the signed resource (the set botocore's HmacV1 signer uses). */
    private static final Set<String> SUB_RESOURCES = Set.of("accelerate", "acl", "cors", "defaultObjectAcl",
            "location", "logging", "partNumber", "policy", "requestPayment", "torrent", "versioning", "versionId",
            "versions", "website", "uploads", "uploadId", "response-content-type", "response-content-language",
            "response-expires", "response-cache-control", "response-content-disposition",
            "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
            "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
            "object-lock");

    private SignatureV2() {
    }

    static String stringToSign(SigV4Request request, String dateLine, String virtualHostBucket,
                               Collection<String> headerNames) {
        return stringToSign(request, dateLine, virtualHostBucket, headerNames,
                request.rawPath().isEmpty() ? "/" : request.rawPath());
    }

    /** As above with the path to sign given (the bucket of a bucket-level request may be signed as "/bucket/"). */
    static String stringToSign(SigV4Request request, String dateLine, String virtualHostBucket,
                               Collection<String> headerNames, String path) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(request.method()).append('\n');
        sb.append(orEmpty(request.header("content-md5"))).append('\n');
        sb.append(orEmpty(request.header("content-type"))).append('\n');
        sb.append(dateLine).append('\n');
        TreeMap<String, String> amz = new TreeMap<>();
        for (String name : headerNames) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !amz.containsKey(lower)) {
                List<String> values = request.headers(lower);
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        joined.append(',');
                    }
                    joined.append(values.get(i).trim());
                }
                amz.put(lower, joined.toString());
            }
        }
        amz.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        if (virtualHostBucket != null) {
            sb.append('/').append(virtualHostBucket);
        }
        sb.append(path);
        List<String[]> sub = new ArrayList<>();
        String query = request.rawQuery();
        if (!query.isEmpty()) {
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                String name = QueryParams.decode(eq < 0 ? part : part.substring(0, eq));
                if (SUB_RESOURCES.contains(name)) {
                    sub.add(new String[] {name, eq < 0 ? null : QueryParams.decode(part.substring(eq + 1))});
                }
            }
        }
        sub.sort((a, b) -> a[0].compareTo(b[0]));
        for (int i = 0; i < sub.size(); i++) {
            sb.append(i == 0 ? '?' : '&').append(sub.get(i)[0]);
            if (sub.get(i)[1] != null) {
                sb.append('=').append(sub.get(i)[1]);
            }
        }
        return sb.toString();
    }

    static String sign(String secret, String stringToSign) {
        return Base64.getEncoder().encodeToString(
                SigningCrypto.hmacSha1(secret.getBytes(StandardCharsets.UTF_8), stringToSign));
    }

    /** "27 Mar 2007 19:36:42 +0000" or "... GMT": RFC 1123 after the day name. */
    private static final DateTimeFormatter RFC_1123_NO_WEEKDAY = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("d MMM uuuu HH:mm:ss ")
            .appendOffset("+HHMM", "GMT")
            .toFormatter(Locale.ENGLISH);

    /**
     * An RFC 1123 date ("Tue, 27 Mar 2007 19:36:42 +0000" or "... GMT"), or null. The day name is ignored,
     * as S3 does: clients (and ceph/s3-tests) send dates whose weekday does not match.
     */
    static Instant parseDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        int comma = v.indexOf(',');
        if (comma >= 0) {
            v = v.substring(comma + 1).trim();
        }
        try {
            return ZonedDateTime.parse(v, RFC_1123_NO_WEEKDAY).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
