package io.coffer.gateway.store;

import java.util.Map;

/**
 * What an object carries besides its bytes, as the client set it.
 *
 * @param contentType  Content-Type ("" for none; S3 then answers binary/octet-stream)
 * @param userMetadata x-amz-meta-* keyed by lower-case name without the prefix
 * @param headers      other stored response headers by lower-case name (cache-control,
 *                     content-disposition, content-encoding, content-language, expires,
 *                     x-amz-website-redirect-location, x-amz-storage-class, x-amz-acl)
 * @param tags         object tags
 */
public record ObjectMetadata(String contentType, Map<String, String> userMetadata, Map<String, String> headers,
                             Map<String, String> tags) {
    public static final ObjectMetadata EMPTY = new ObjectMetadata("", Map.of(), Map.of(), Map.of());

    public ObjectMetadata {
        contentType = contentType == null ? "" : contentType;
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public ObjectMetadata withTags(Map<String, String> newTags) {
        return new ObjectMetadata(contentType, userMetadata, headers, newTags);
    }
}
