package io.coffer.gateway.checksum;

import java.util.HexFormat;
import java.util.Objects;

/**
 * Digests of a complete body.
 *
 * @param length         bytes consumed
 * @param md5            raw MD5 (16 bytes)
 * @param sha256         raw SHA-256, or null when not requested
 * @param checksum       the requested algorithm, or null
 * @param checksumValue  raw checksum of {@code checksum}, or null
 */
public record BodyDigestResult(long length, byte[] md5, byte[] sha256, ChecksumAlgorithm checksum,
                               byte[] checksumValue) {

    public BodyDigestResult {
        Objects.requireNonNull(md5, "md5");
        if ((checksum == null) != (checksumValue == null)) {
            throw new IllegalArgumentException("checksum and its value go together");
        }
    }

    /** Lower-case hex MD5: the ETag of a single-part object (without quotes). */
    public String md5Hex() {
        return HexFormat.of().formatHex(md5);
    }

    /** Lower-case hex SHA-256, or null. */
    public String sha256Hex() {
        return sha256 == null ? null : HexFormat.of().formatHex(sha256);
    }

    /** Base64 of the requested checksum, or null. */
    public String checksumBase64() {
        return checksum == null ? null : checksum.encode(checksumValue);
    }

    /** Throws BadDigest / InvalidDigest when a Content-MD5 header (base64) does not match; null is accepted. */
    public void checkContentMd5(String contentMd5) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Throws XAmzContentSHA256Mismatch when the signed hex SHA-256 does not match the body. */
    public void checkSha256(String expectedHex) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Throws BadDigest ("The x-amz-checksum-crc32c you specified did not match the calculated checksum.")
     * when the client's base64 checksum (header or trailer) does not match, InvalidRequest when it is not a
     * valid value for the algorithm.
     */
    public void checkChecksum(String expectedBase64) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
