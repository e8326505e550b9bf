package io.coffer.crypto.segment;

/**
 * How a part's plaintext maps to stored ciphertext: fixed plaintext segments of {@code segmentSize} bytes
 * (the last one shorter), each stored as its ciphertext followed by a 16-byte GCM tag. An empty part is one
 * final segment of 0 plaintext bytes (16 stored bytes), so truncating it to nothing is detected.
 *
 * <p>Segment indexes start at 0 in every part; a multipart object's parts are laid out independently.
 */
public record SegmentLayout(int segmentSize) {
    public static final int TAG_LENGTH = 16;
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
    public static final int MIN_SEGMENT_SIZE = 16;
    /** Far below GCM's per-message limit (2^36 - 32 bytes); larger segments only cost memory. */
    public static final int MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
    public static final SegmentLayout DEFAULT = new SegmentLayout(DEFAULT_SEGMENT_SIZE);

    public SegmentLayout {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size must be " + MIN_SEGMENT_SIZE + ".."
                    + MAX_SEGMENT_SIZE + ", got " + segmentSize);
        }
    }

    /** Stored bytes of one full segment: plaintext + tag. */
    public int storedSegmentSize() {
        return segmentSize + TAG_LENGTH;
    }

    /** Number of segments, at least 1 (an empty part has one empty final segment). */
    public int segmentCount(long plaintextLength) {
        long n = segmentCountLong(plaintextLength);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many segments: " + n);
        }
        return (int) n;
    }

    public long segmentCountLong(long plaintextLength) {
        requireLength(plaintextLength);
        return plaintextLength == 0 ? 1 : (plaintextLength - 1) / segmentSize + 1;
    }

    /** Stored (ciphertext + tags) length of a part of {@code plaintextLength} bytes. */
    public long ciphertextLength(long plaintextLength) {
        return Math.addExact(plaintextLength, TAG_LENGTH * segmentCountLong(plaintextLength));
    }

    /**
     * The plaintext length whose stored length is {@code ciphertextLength}.
     *
     * @throws IllegalArgumentException if no plaintext length gives exactly that stored length
     */
    public long plaintextLength(long ciphertextLength) {
        if (ciphertextLength < TAG_LENGTH) {
            throw new IllegalArgumentException("stored length " + ciphertextLength + " is shorter than one tag");
        }
        long full = ciphertextLength / storedSegmentSize();
        long rest = ciphertextLength % storedSegmentSize();
        long p;
        if (rest == 0) {
            p = full * segmentSize;
        } else if (rest >= TAG_LENGTH) {
            p = full * segmentSize + rest - TAG_LENGTH;
        } else {
            throw new IllegalArgumentException("stored length " + ciphertextLength + " is not a valid layout");
        }
        if (ciphertextLength(p) != ciphertextLength) {
            throw new IllegalArgumentException("stored length " + ciphertextLength + " is not a valid layout");
        }
        return p;
    }

    /** Plaintext bytes in segment {@code index} of a part of {@code plaintextLength} bytes. */
    public int plaintextSegmentLength(long plaintextLength, long index) {
        long count = segmentCountLong(plaintextLength);
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("segment " + index + " out of 0.." + (count - 1));
        }
        return index < count - 1 ? segmentSize : (int) (plaintextLength - index * segmentSize);
    }

    /** Offset of segment {@code index} in the stored part. */
    public long ciphertextOffset(long index) {
        return Math.multiplyExact(index, (long) storedSegmentSize());
    }

    /**
     * Which stored bytes to fetch to return plaintext bytes {@code first..lastInclusive} of a part, and how to
     * trim the decrypted segments.
     *
     * @throws IllegalArgumentException unless 0 &lt;= first &lt;= lastInclusive &lt; plaintextLength
     */
    public CiphertextRange forPlaintextRange(long plaintextLength, long first, long lastInclusive) {
        requireLength(plaintextLength);
        if (first < 0 || lastInclusive < first || lastInclusive >= plaintextLength) {
            throw new IllegalArgumentException("range " + first + "-" + lastInclusive
                    + " is not within a part of " + plaintextLength + " bytes");
        }
        long firstSegment = first / segmentSize;
        long lastSegment = lastInclusive / segmentSize;
        long offset = ciphertextOffset(firstSegment);
        long end = ciphertextOffset(lastSegment) + plaintextSegmentLength(plaintextLength, lastSegment) + TAG_LENGTH;
        return new CiphertextRange(firstSegment, lastSegment, offset, end - offset,
                (int) (first - firstSegment * segmentSize), lastInclusive - first + 1);
    }

    /** The whole part, including the empty final segment of an empty part (which yields no bytes). */
    public CiphertextRange whole(long plaintextLength) {
        long count = segmentCountLong(plaintextLength);
        return new CiphertextRange(0, count - 1, 0, ciphertextLength(plaintextLength), 0, plaintextLength);
    }

    private static void requireLength(long plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("negative length " + plaintextLength);
        }
    }
}
