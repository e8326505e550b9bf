package io.coffer.shard.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The HMAC-SHA256 that authenticates one shard request. It covers, one per line:
 * <pre>
 * COFFER-HMAC-SHA256
 * METHOD
 * path?query          exactly as sent (raw, percent-encoded)
 * date                epoch milliseconds, also sent in X-Coffer-Date
 * nonce               random, also sent in X-Coffer-Nonce (two identical requests differ)
 * body                hex SHA-256 of the body, or UNSIGNED-TRAILER for a streamed sector PUT
 * </pre>
 * The result travels as {@code Authorization: COFFER-HMAC-SHA256 <hex>}.
 */
public record RequestSignature(String method, String uri, long dateMillis, String nonce, String bodyHash) {
    private static final HexFormat HEX = HexFormat.of();
    public static final String EMPTY_BODY_SHA256 = sha256Hex(new byte[0]);

    public RequestSignature {
        if (method == null || uri == null || nonce == null || bodyHash == null) {
            throw new IllegalArgumentException("incomplete request signature input");
        }
    }

    public String canonical() {
        return WireFormat.AUTH_SCHEME + '\n' + method + '\n' + uri + '\n' + dateMillis + '\n' + nonce + '\n' + bodyHash;
    }

    public byte[] sign(ClusterSecret secret) {
        Mac mac = secret.newMac();
        return mac.doFinal(canonical().getBytes(StandardCharsets.UTF_8));
    }

    public String authorization(ClusterSecret secret) {
        return WireFormat.AUTH_SCHEME + ' ' + HEX.formatHex(sign(secret));
    }

    /** True if {@code authorization} is this request's header value under {@code secret}. */
    public boolean verify(ClusterSecret secret, String authorization) {
        if (authorization == null || !authorization.startsWith(WireFormat.AUTH_SCHEME + ' ')) {
            return false;
        }
        byte[] given;
        try {
            given = HEX.parseHex(authorization, WireFormat.AUTH_SCHEME.length() + 1, authorization.length());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return ClusterSecret.macEquals(sign(secret), given);
    }

    public static String sha256Hex(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
