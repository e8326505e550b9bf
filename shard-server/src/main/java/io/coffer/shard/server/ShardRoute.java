package io.coffer.shard.server;

import io.netty.handler.codec.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;

/**
 * Every operation of the shard's HTTP API, version 1. Identifiers (bucket names, keys, version and
 * upload ids) travel percent-encoded in the query; only a sector id (32 hex digits) sits in the path.
 */
public enum ShardRoute {
    HEALTH("GET", "/v1/health"),
    STATS("GET", "/v1/stats"),

    BUCKET_CREATE("POST", "/v1/buckets"),
    BUCKET_LIST("GET", "/v1/buckets"),
    BUCKET_GET("GET", "/v1/bucket"),
    BUCKET_UPDATE("PUT", "/v1/bucket"),
    BUCKET_DELETE("DELETE", "/v1/bucket"),
    BUCKET_GENERATION("POST", "/v1/bucket/generation"),

    /** Sector routes match {@code /v1/sectors/<32 hex>}. */
    SECTOR_PUT("PUT", "/v1/sectors/"),
    SECTOR_GET("GET", "/v1/sectors/"),
    SECTOR_INFO("HEAD", "/v1/sectors/"),
    SECTOR_DELETE("DELETE", "/v1/sectors/"),

    VERSION_PUT("PUT", "/v1/versions"),
    VERSION_GET("GET", "/v1/versions"),
    VERSION_DELETE("DELETE", "/v1/versions"),
    LIST("GET", "/v1/list"),

    UPLOAD_CREATE("POST", "/v1/uploads"),
    UPLOAD_LIST("GET", "/v1/uploads"),
    UPLOAD_GET("GET", "/v1/upload"),
    UPLOAD_ABORT("DELETE", "/v1/upload"),
    UPLOAD_COMPLETE("POST", "/v1/upload/complete"),
    PART_PUT("PUT", "/v1/upload/parts"),
    PART_LIST("GET", "/v1/upload/parts"),

    CONTROL_GET("GET", "/v1/control"),
    CONTROL_PUT("PUT", "/v1/control"),
    CONTROL_DELETE("DELETE", "/v1/control"),
    CONTROL_SCAN("GET", "/v1/control/scan");

    public static final String SECTORS_PREFIX = "/v1/sectors/";

    private static final Map<String, ShardRoute> EXACT = new HashMap<>();

    static {
        for (ShardRoute r : values()) {
            if (!r.path.equals(SECTORS_PREFIX)) {
                EXACT.put(r.method + ' ' + r.path, r);
            }
        }
    }

    private final String method;
    private final String path;

    ShardRoute(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The route of a request, or null if none matches (the caller answers 404). */
    public static ShardRoute match(HttpMethod method, String path) {
        if (path.startsWith(SECTORS_PREFIX)) {
            if (path.length() != SECTORS_PREFIX.length() + 32) {
                return null;
            }
            return switch (method.name()) {
                case "PUT" -> SECTOR_PUT;
                case "GET" -> SECTOR_GET;
                case "HEAD" -> SECTOR_INFO;
                case "DELETE" -> SECTOR_DELETE;
                default -> null;
            };
        }
        return EXACT.get(method.name() + ' ' + path);
    }
}
