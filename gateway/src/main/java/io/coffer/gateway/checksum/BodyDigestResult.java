package io.coffer.gateway.checksum;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Digests of a complete body, and the checks S3 applies to them.
 *
 * @param length        bytes consumed
 * @param md5           raw MD5 (16 bytes)
 * @param sha256        raw SHA-256, or null when not requested
 * @param checksum      the requested algorithm, or null
 * @param checksumValue raw checksum of {@code checksum}, or null
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

    /** Base64 MD5, the Content-MD5 form. */
    public String md5Base64() {
        return Base64.getEncoder().encodeToString(md5);
    }

    /** Lower-case hex SHA-256, or null. */
    public String sha256Hex() {
        return sha256 == null ? null : HexFormat.of().formatHex(sha256);
    }

    /** Base64 of the requested checksum, or null. */
    public String checksumBase64() {
        return checksum == null ? null : checksum.encode(checksumValue);
    }

    /**
     * Checks a Content-MD5 header (base64 of 16 bytes): InvalidDigest when it is not one, BadDigest when it
     * differs from the body's MD5. A null header passes.
     */
    public void checkContentMd5(String contentMd5) {
        if (contentMd5 == null) {
            return;
        }
        byte[] declared;
        try {
            declared = Base64.getDecoder().decode(contentMd5.trim());
        } catch (IllegalArgumentException e) {
            throw invalidDigest();
        }
        if (declared.length != 16) {
            throw invalidDigest();
        }
        if (!MessageDigest.isEqual(declared, md5)) {
            throw new DigestException("BadDigest", 400,
                    "The Content-MD5 you specified did not match what we received.");
        }
    }

    /** Checks a Content-MD5 header's syntax before the body is read: InvalidDigest when it is not valid. */
    public static void checkContentMd5Syntax(String contentMd5) {
        if (contentMd5 == null) {
            return;
        }
        try {
            if (Base64.getDecoder().decode(contentMd5.trim()).length == 16) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw invalidDigest();
    }

    /** Throws XAmzContentSHA256Mismatch when the signed hex SHA-256 does not match the body. */
    public void checkSha256(String expectedHex) {
        if (sha256 == null) {
            throw new IllegalStateException("SHA-256 was not computed for this body");
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(expectedHex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            expected = null;
        }
        if (expected == null || !MessageDigest.isEqual(expected, sha256)) {
            throw new DigestException("XAmzContentSHA256Mismatch", 400,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
    }

    /**
     * Throws BadDigest ("The CRC32C you specified did not match the calculated checksum.") when the client's
     * base64 checksum (header or trailer) does not match, InvalidRequest when it is not a valid value for
     * the algorithm.
     */
    public void checkChecksum(String expectedBase64) {
        if (checksum == null) {
            throw new IllegalStateException("no checksum was computed for this body");
        }
        byte[] declared = checksum.decode(expectedBase64 == null ? "" : expectedBase64)
                .orElseThrow(() -> invalidChecksumValue(checksum));
        if (!MessageDigest.isEqual(declared, checksumValue)) {
            throw new DigestException("BadDigest", 400,
                    "The " + messageName(checksum) + " you specified did not match the calculated checksum.");
        }
    }

    /** S3 names CRCs in upper case and hashes in lower case in this message ("The sha256 you specified"). */
    private static String messageName(ChecksumAlgorithm algorithm) {
        return algorithm.supportsFullObject() ? algorithm.name() : algorithm.name().toLowerCase(Locale.ROOT);
    }

    /** InvalidRequest for a checksum header or trailer whose value is not base64 of the right length. */
    public static DigestException invalidChecksumValue(ChecksumAlgorithm algorithm) {
        return new DigestException("InvalidRequest", 400,
                "Value for " + algorithm.headerName() + " header is invalid.");
    }

    private static DigestException invalidDigest() {
        return new DigestException("InvalidDigest", 400, "The Content-MD5 you specified is not valid.");
    }
}
