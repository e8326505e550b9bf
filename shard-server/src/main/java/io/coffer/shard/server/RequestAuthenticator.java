package io.coffer.shard.server;

import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.RequestSignature;
import io.coffer.shard.wire.WireFormat;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.LongSupplier;

/**
 * Checks the HMAC of a request before anything else happens. A request is refused if the date is
 * missing or more than {@link WireFormat#MAX_CLOCK_SKEW_MILLIS} off, if the nonce or body hash is
 * missing, if the body hash kind does not fit the route (only sector PUTs may use the trailing MAC,
 * and they must), or if the signature does not match.
 */
final class RequestAuthenticator {
    private final ClusterSecret secret;
    private final LongSupplier clock;

    RequestAuthenticator(ClusterSecret secret, LongSupplier clock) {
        this.secret = secret;
        this.clock = clock;
    }

    /** Null if the request is authentic, else why not (for the 403 body and a DEBUG log line). */
    String check(String method, String uri, HttpHeaders headers, ShardRoute route) {
        String date = headers.get(WireFormat.DATE_HEADER);
        String nonce = headers.get(WireFormat.NONCE_HEADER);
        String bodyHash = headers.get(WireFormat.CONTENT_SHA256_HEADER);
        String authorization = headers.get(WireFormat.AUTHORIZATION_HEADER);
        if (date == null || nonce == null || bodyHash == null || authorization == null) {
            return "missing signature headers";
        }
        if (nonce.isEmpty() || nonce.length() > 64) {
            return "bad nonce";
        }
        long dateMillis;
        try {
            dateMillis = Long.parseLong(date);
        } catch (NumberFormatException e) {
            return "bad date";
        }
        if (Math.abs(clock.getAsLong() - dateMillis) > WireFormat.MAX_CLOCK_SKEW_MILLIS) {
            return "stale or future date";
        }
        boolean trailer = WireFormat.UNSIGNED_TRAILER.equals(bodyHash);
        if (trailer != (route == ShardRoute.SECTOR_PUT)) {
            return trailer ? "unsigned body not allowed here" : "sector bodies must carry a trailing MAC";
        }
        if (!trailer && bodyHash.length() != 64) {
            return "bad body hash";
        }
        RequestSignature sig = new RequestSignature(method, uri, dateMillis, nonce, bodyHash);
        return sig.verify(secret, authorization) ? null : "signature mismatch";
    }
}
