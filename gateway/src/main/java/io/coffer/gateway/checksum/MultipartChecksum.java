package io.coffer.gateway.checksum;

import java.util.List;

/**
 * Checksums of a multipart upload as S3 computes them at CompleteMultipartUpload: COMPOSITE (the checksum
 * of the concatenated raw part checksums, suffixed "-N") or, for CRCs, FULL_OBJECT (the part CRCs
 * combined into the CRC of the whole object, no suffix).
 */
public final class MultipartChecksum {

    private static final long CRC32_POLY = 0xedb88320L;
    private static final long CRC32C_POLY = 0x82f63b78L;

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
        if (partChecksums.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload has at least one part");
        }
        ChecksumDigest digest = algorithm.newDigest();
        for (byte[] part : partChecksums) {
            if (part.length != algorithm.digestLength()) {
                throw new IllegalArgumentException("part checksum has " + part.length + " bytes, "
                        + algorithm + " has " + algorithm.digestLength());
            }
            digest.update(part, 0, part.length);
        }
        return digest.finishBase64() + "-" + partChecksums.size();
    }

    /** FULL_OBJECT value for a CRC algorithm: base64 of the CRC of the concatenated parts. */
    public static String fullObject(ChecksumAlgorithm algorithm, List<Part> parts) {
        if (!algorithm.supportsFullObject()) {
            throw new IllegalArgumentException(algorithm + " cannot be combined into a full-object checksum");
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload has at least one part");
        }
        int width = algorithm.digestLength() * 8;
        long poly = switch (algorithm) {
            case CRC32 -> CRC32_POLY;
            case CRC32C -> CRC32C_POLY;
            case CRC64NVME -> Crc64Nvme.POLY;
            default -> throw new IllegalStateException(algorithm.name());
        };
        long crc = 0;
        boolean first = true;
        for (Part part : parts) {
            if (part.checksum().length != algorithm.digestLength()) {
                throw new IllegalArgumentException("part checksum has the wrong length for " + algorithm);
            }
            long value = toLong(part.checksum());
            crc = first ? value : CrcCombine.combine(crc, value, part.length(), width, poly);
            first = false;
        }
        return algorithm.encode(toBytes(crc, algorithm.digestLength()));
    }

    private static long toLong(byte[] bigEndian) {
        long v = 0;
        for (byte b : bigEndian) {
            v = v << 8 | (b & 0xff);
        }
        return v;
    }

    private static byte[] toBytes(long value, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (value >>> (8 * (n - 1 - i)));
        }
        return out;
    }
}
