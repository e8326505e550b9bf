package io.coffer.gateway.server;

import java.util.Locale;
import java.util.Map;

/**
 * The exact spelling S3 uses for standard response headers. HTTP/1.1 names are case-insensitive,
 * but some clients and test suites compare them literally, and Netty's constants are lower case, so
 * the server rewrites whatever a handler used into S3's form. x-amz-* headers are lower case in S3.
 */
final class HeaderNames {
    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("etag", "ETag"),
            Map.entry("last-modified", "Last-Modified"),
            Map.entry("content-type", "Content-Type"),
            Map.entry("content-length", "Content-Length"),
            Map.entry("content-range", "Content-Range"),
            Map.entry("content-encoding", "Content-Encoding"),
            Map.entry("content-language", "Content-Language"),
            Map.entry("content-disposition", "Content-Disposition"),
            Map.entry("content-md5", "Content-MD5"),
            Map.entry("cache-control", "Cache-Control"),
            Map.entry("expires", "Expires"),
            Map.entry("accept-ranges", "Accept-Ranges"),
            Map.entry("location", "Location"),
            Map.entry("connection", "Connection"),
            Map.entry("date", "Date"),
            Map.entry("server", "Server"),
            Map.entry("www-authenticate", "WWW-Authenticate"));

    private HeaderNames() {
    }

    static String canonical(String name) {
        String c = CANONICAL.get(name.toLowerCase(Locale.ROOT));
        if (c != null) {
            return c;
        }
        return name.regionMatches(true, 0, "x-amz-", 0, 6) ? name.toLowerCase(Locale.ROOT) : name;
    }
}
