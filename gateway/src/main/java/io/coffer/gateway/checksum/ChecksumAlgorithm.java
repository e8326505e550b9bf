package io.coffer.gateway.checksum;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** The additional checksums S3 supports ({@code x-amz-checksum-*}). */
public enum ChecksumAlgorithm {
    CRC32("x-amz-checksum-crc32", 4, true),
    CRC32C("x-amz-checksum-crc32c", 4, true),
    CRC64NVME("x-amz-checksum-crc64nvme", 8, true),
    SHA1("x-amz-checksum-sha1", 20, false),
    SHA256("x-amz-checksum-sha256", 32, false);

    private final String headerName;
    private final int digestLength;
    private final boolean crc;

    ChecksumAlgorithm(String headerName, int digestLength, boolean crc) {
        this.headerName = headerName;
        this.digestLength = digestLength;
        this.crc = crc;
    }

    /** Lower-case header carrying the base64 value, e.g. "x-amz-checksum-crc32c". */
    public String headerName() {
        return headerName;
    }

    /** Length of the raw checksum in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /** CRCs can be combined into a FULL_OBJECT checksum of a multipart upload; hashes cannot. */
    public boolean supportsFullObject() {
        return crc;
    }

    /** A fresh running digest. */
    public ChecksumDigest newDigest() {
        return ChecksumDigest.of(this);
    }

    /** Base64 of a raw checksum, as S3 sends it in headers and XML. */
    public String encode(byte[] raw) {
        return Base64.getEncoder().encodeToString(raw);
    }

    /**
     * Decodes a base64 checksum value, or empty when it is not valid base64 of the right length.
     */
    public Optional<byte[]> decode(String base64) {
        try {
            byte[] raw = Base64.getDecoder().decode(base64.trim());
            return raw.length == digestLength ? Optional.of(raw) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** From an algorithm name as in x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm ("CRC32C"). */
    public static Optional<ChecksumAlgorithm> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** From a header name ("x-amz-checksum-crc32c"), case-insensitively. */
    public static Optional<ChecksumAlgorithm> fromHeaderName(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String lower = header.trim().toLowerCase(Locale.ROOT);
        for (ChecksumAlgorithm a : values()) {
            if (a.headerName.equals(lower)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
