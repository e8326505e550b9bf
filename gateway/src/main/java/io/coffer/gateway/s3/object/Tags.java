package io.coffer.gateway.s3.object;

import io.coffer.gateway.s3.S3Error;
import io.coffer.gateway.s3.S3Exception;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Object tag sets: S3's limits, and the x-amz-tagging query-string form. */
final class Tags {
    static final int MAX_TAGS = 10;
    static final int MAX_KEY = 128;
    static final int MAX_VALUE = 256;

    private Tags() {
    }

    /** {@code k1=v1&k2=v2} (URL-encoded), as in the x-amz-tagging header. */
    static Map<String, String> fromQuery(String query, String resource) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return tags;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (tags.put(k, v) != null) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "Cannot provide multiple Tags with the same key");
            }
        }
        validate(tags, resource);
        return tags;
    }

    static void validate(Map<String, String> tags, String resource) {
        if (tags.size() > MAX_TAGS) {
            throw new S3Exception(S3Error.INVALID_TAG, resource, "Object tags cannot be greater than 10");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().codePointCount(0, e.getKey().length()) > MAX_KEY) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "The TagKey you have provided is invalid");
            }
            if (e.getValue().codePointCount(0, e.getValue().length()) > MAX_VALUE) {
                throw new S3Exception(S3Error.INVALID_TAG, resource, "The TagValue you have provided is invalid");
            }
        }
    }
}
