package io.coffer.crypto.manifest;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One part of an object: a single-part object has exactly one, number 1. Its stored bytes are the segments
 * of {@code plaintextSize} bytes (see {@code SegmentLayout}) concatenated over {@code sectors} in order.
 *
 * @param contentId the content id this part was encrypted under, or null when it is the manifest's. A
 *                  multipart upload gives each UploadPart call a fresh content id, so a re-uploaded part
 *                  never encrypts twice under the same segment key and nonce.
 */
public record Part(int partNumber, long plaintextSize, String etag, List<SectorRef> sectors, byte[] contentId) {
    public static final int MAX_PART_NUMBER = 10_000;

    public Part {
        if (partNumber < 1 || partNumber > MAX_PART_NUMBER) {
            throw new IllegalArgumentException("part number must be 1.." + MAX_PART_NUMBER);
        }
        if (plaintextSize < 0) {
            throw new IllegalArgumentException("negative part size");
        }
        etag = etag == null ? "" : etag;
        sectors = sectors == null ? List.of() : List.copyOf(sectors);
        if (contentId != null) {
            if (contentId.length != Manifest.CONTENT_ID_LENGTH) {
                throw new IllegalArgumentException("part content id must be 16 bytes");
            }
            contentId = contentId.clone();
        }
    }

    /** A part encrypted under the manifest's content id. */
    public Part(int partNumber, long plaintextSize, String etag, List<SectorRef> sectors) {
        this(partNumber, plaintextSize, etag, sectors, null);
    }

    @Override
    public byte[] contentId() {
        return contentId == null ? null : contentId.clone();
    }

    /** Stored bytes of this part: the sum of its sector lengths. */
    public long storedSize() {
        long n = 0;
        for (SectorRef s : sectors) {
            n = Math.addExact(n, s.length());
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Part p && p.partNumber == partNumber && p.plaintextSize == plaintextSize
                && p.etag.equals(etag) && p.sectors.equals(sectors) && Arrays.equals(p.contentId, contentId);
    }

    @Override
    public int hashCode() {
        return ((partNumber * 31 + Long.hashCode(plaintextSize)) * 31 + etag.hashCode()) * 31 + sectors.hashCode();
    }

    @Override
    public String toString() {
        return "Part[" + partNumber + ", " + plaintextSize + " B, etag=" + etag + ", " + sectors
                + (contentId == null ? "" : ", contentId=" + HexFormat.of().formatHex(contentId)) + "]";
    }
}
