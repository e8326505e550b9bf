package io.coffer.crypto.segment;

/**
 * The stored bytes that hold a plaintext range of one part, from {@link SegmentLayout#forPlaintextRange}.
 *
 * @param firstSegment     index of the first segment fetched
 * @param lastSegment      index of the last segment fetched
 * @param ciphertextOffset where to start reading in the stored part (a segment boundary)
 * @param ciphertextLength how many stored bytes to read (whole segments with their tags)
 * @param skipBytes        plaintext bytes to drop at the start of the first decrypted segment
 * @param plaintextLength  plaintext bytes to return in total
 */
public record CiphertextRange(long firstSegment, long lastSegment, long ciphertextOffset, long ciphertextLength,
                              int skipBytes, long plaintextLength) {
    public CiphertextRange {
        if (firstSegment < 0 || lastSegment < firstSegment || ciphertextOffset < 0
                || ciphertextLength < SegmentLayout.TAG_LENGTH || skipBytes < 0 || plaintextLength < 0) {
            throw new IllegalArgumentException("bad ciphertext range");
        }
    }

    public long segmentCount() {
        return lastSegment - firstSegment + 1;
    }
}
