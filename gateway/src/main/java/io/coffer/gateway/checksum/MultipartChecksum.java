package io.coffer.gateway.checksum;

import java.util.List;

/**
 * Checksums of a multipart upload as S3 computes them at CompleteMultipartUpload: COMPOSITE (the checksum
 * of the concatenated raw part checksums, suffixed "-N") or, for CRCs, FULL_OBJECT (the part CRCs
 * combined into the CRC of the whole object).
 */
public final class MultipartChecksum {

    private MultipartChecksum() {
    }

    /** One part's raw checksum and its length in bytes. */
    public record Part(byte[] checksum, long length) {
        public Part {
            if (checksum == null || length < 0) {
                throw new IllegalArgumentException("part needs a checksum and a non-negative length");
            }
        }
    }

    /** COMPOSITE value: base64(checksum(part1 || part2 || ...)) + "-" + N. */
    public static String composite(ChecksumAlgorithm algorithm, List<byte[]> partChecksums) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** FULL_OBJECT value for a CRC algorithm: base64 of the CRC of the concatenated parts. */
    public static String fullObject(ChecksumAlgorithm algorithm, List<Part> parts) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
