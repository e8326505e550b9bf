package io.coffer.gateway.s3;

import java.util.List;
import java.util.Map;

/**
 * The router's answer: the operation, the bucket and key it addresses (null when absent), the
 * decoded path (S3's {@code <Resource>}) and the decoded query parameters.
 */
public record S3Route(S3Operation operation, String bucket, String key, String path,
                      Map<String, List<String>> query) {
    public S3Route {
        if (operation == null || path == null) {
            throw new IllegalArgumentException("operation and path are required");
        }
        query = query == null ? Map.of() : query;
    }
}
