package io.coffer.gateway.store;

import io.coffer.gateway.checksum.ChecksumAlgorithm;
import reactor.core.publisher.Mono;

/**
 * What a body must match, checked after its last byte and before anything is committed.
 *
 * @param contentMd5       base64 Content-MD5 header, or null
 * @param algorithm        the x-amz-checksum-* algorithm to compute and store, or null
 * @param expectedChecksum the client's base64 value of {@code algorithm}: from a header, or from a
 *                         trailer, so it is only asked for once the body has completed; empty for none
 * @param payloadSha256    hex SHA-256 the client signed (x-amz-content-sha256), or null
 */
public record BodyChecks(String contentMd5, ChecksumAlgorithm algorithm, Mono<String> expectedChecksum,
                         String payloadSha256) {
    public static final BodyChecks NONE = new BodyChecks(null, null, Mono.empty(), null);

    public BodyChecks {
        expectedChecksum = expectedChecksum == null ? Mono.empty() : expectedChecksum;
    }
}
