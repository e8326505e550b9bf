package io.coffer.shard.wire;

/**
 * Constants of the gateway-to-shard protocol, version 1.
 *
 * <p>Metadata bodies (requests and responses) are the binary encoding of {@link WireCodec}: one
 * format byte ({@link #VERSION}) then the fields. Sector bodies are raw bytes. Every request is
 * signed ({@link RequestSignature}); errors carry {@link #ERROR_HEADER} with the
 * {@code ShardException.Code} name and the message as a UTF-8 body.
 */
public final class WireFormat {
    /** Format byte at the start of every metadata body; bump on an incompatible change. */
    public static final byte VERSION = 1;

    public static final String PATH_PREFIX = "/v1";
    public static final String CONTENT_TYPE = "application/vnd.coffer.shard.v1";

    public static final String DATE_HEADER = "X-Coffer-Date";
    public static final String NONCE_HEADER = "X-Coffer-Nonce";
    public static final String CONTENT_SHA256_HEADER = "X-Coffer-Content-SHA256";
    public static final String AUTHORIZATION_HEADER = "Authorization";
    public static final String AUTH_SCHEME = "COFFER-HMAC-SHA256";
    public static final String ERROR_HEADER = "X-Coffer-Error";

    /**
     * Body hash value of a streamed sector PUT: the body is not hashed up front; instead it ends with
     * a {@link BodyMac#LENGTH}-byte HMAC of the request signature and the sector bytes.
     */
    public static final String UNSIGNED_TRAILER = "UNSIGNED-TRAILER";

    /** HEAD /v1/sectors/{id} answers these headers. */
    public static final String SECTOR_LENGTH_HEADER = "X-Coffer-Sector-Length";
    public static final String SECTOR_CRC32C_HEADER = "X-Coffer-Sector-Crc32c";
    public static final String SECTOR_COMMITTED_HEADER = "X-Coffer-Sector-Committed";

    /** Largest metadata body the server aggregates before verifying its hash (manifests are small). */
    public static final int MAX_METADATA_BODY = 16 * 1024 * 1024;

    /** Requests whose date is further than this from the server clock are refused. */
    public static final long MAX_CLOCK_SKEW_MILLIS = 5 * 60 * 1000L;

    private WireFormat() {
    }
}
