package io.coffer.gateway.server;

import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * S3-shaped request ids: {@code x-amz-request-id} is 16 upper-case hex digits, {@code x-amz-id-2}
 * an opaque base64 token. They only need to be unique enough to find a request in the logs, so a
 * non-cryptographic random source is fine (and never blocks).
 */
final class RequestIds {
    private RequestIds() {
    }

    static String requestId() {
        return HexFormat.of().withUpperCase().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    static String hostId() {
        byte[] b = new byte[24];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
