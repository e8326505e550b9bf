package io.coffer.crypto.segment;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.Hkdf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts single segments of one part of one object: the synchronous core that
 * {@link SegmentEncryptor} and {@link SegmentDecryptor} stream through, and that the JMH suite measures.
 *
 * <ul>
 * <li>Segment key = HKDF-SHA256(DEK, salt = contentId, info = "coffer-seg-key-v1"), 32 bytes: each upload
 *   (content id) encrypts under its own key, so even if a caller ever reused a data key with the same part
 *   number (a re-uploaded part) under a fresh content id, no (key, nonce) pair repeats.</li>
 * <li>Nonce (12 bytes) = partNumber (4 bytes, big-endian) || segment index (8 bytes, big-endian): unique per
 *   segment of a content id.</li>
 * <li>AAD = "coffer-seg-v1" || contentId (16) || partNumber (4) || segment index (8) || final flag (1): a
 *   segment cannot be reordered, moved to another object, or presented as (or hidden behind) the end.</li>
 * </ul>
 *
 * Immutable and thread-safe; scratch space is per thread. Never holds the DEK itself.
 */
public final class SegmentCipher {
    public static final int CONTENT_ID_LENGTH = 16;
    public static final int TAG_LENGTH = AesGcm.TAG_LENGTH;
    static final byte[] AAD_DOMAIN = "coffer-seg-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_INFO = "coffer-seg-key-v1".getBytes(StandardCharsets.US_ASCII);
    static final int AAD_LENGTH = AAD_DOMAIN.length + CONTENT_ID_LENGTH + 4 + 8 + 1;

    /** Per-thread nonce and AAD buffers, so a segment allocates no arrays of ours. */
    private static final class Scratch {
        final byte[] nonce = new byte[AesGcm.NONCE_LENGTH];
        final byte[] aad = new byte[AAD_LENGTH];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final SecretKeySpec segmentKey;
    private final byte[] contentId;
    private final int partNumber;

    public SegmentCipher(DataKey key, byte[] contentId, int partNumber) {
        if (contentId == null || contentId.length != CONTENT_ID_LENGTH) {
            throw new IllegalArgumentException("content id must be " + CONTENT_ID_LENGTH + " bytes");
        }
        if (partNumber < 1) {
            throw new IllegalArgumentException("part number must be >= 1");
        }
        this.contentId = contentId.clone();
        this.partNumber = partNumber;
        byte[] dek = key.bytes();
        byte[] k = Hkdf.sha256(dek, this.contentId, KEY_INFO, 32);
        this.segmentKey = new SecretKeySpec(k, "AES");
        Arrays.fill(dek, (byte) 0);
        Arrays.fill(k, (byte) 0);
    }

    /**
     * Runs enough small segment encryptions and decryptions under a throwaway key that C2 compiles the JDK's
     * GCM code (and so its AES-NI/PCLMUL intrinsics) before real traffic arrives: a fresh JVM otherwise
     * runs GCM at ~50 MB/s for its first 4-15 s here, longer under load. Call once at startup on a
     * background thread; it took 6-8 s of wall time on the shared 2-core test machine at load 20
     * (docs/decisions/0002-crypto.md).
     *
     * @return the number of segments processed
     */
    public static int warmUp(int rounds) {
        SegmentCipher c = new SegmentCipher(DataKey.generate(), new byte[CONTENT_ID_LENGTH], 1);
        ByteBuffer plain = ByteBuffer.allocate(4096);
        ByteBuffer stored = ByteBuffer.allocate(4096 + TAG_LENGTH);
        ByteBuffer back = ByteBuffer.allocate(4096);
        int n = 0;
        for (int i = 0; i < rounds; i++) {
            stored.clear();
            c.encryptSegment(i, false, plain.clear(), stored);
            back.clear();
            c.decryptSegment(i, false, stored.flip(), back);
            n++;
        }
        return n;
    }

    /** {@link #warmUp(int)} with 20,000 rounds (about 160 MB of GCM work). */
    public static int warmUp() {
        return warmUp(20_000);
    }

    public int partNumber() {
        return partNumber;
    }

    /**
     * Encrypts all remaining bytes of {@code plaintext} as segment {@code index} into {@code out}
     * (ciphertext then tag); advances both buffers.
     *
     * @return bytes written: {@code plaintext.remaining() + 16}
     */
    public int encryptSegment(long index, boolean finalSegment, ByteBuffer plaintext, ByteBuffer out) {
        Scratch s = prepare(index, finalSegment);
        return AesGcm.encrypt(segmentKey, s.nonce, s.aad, AAD_LENGTH, plaintext, out);
    }

    /**
     * Decrypts all remaining bytes of {@code ciphertext} (ciphertext then tag) as segment {@code index} into
     * {@code out}; advances both buffers.
     *
     * @return plaintext bytes written: {@code ciphertext.remaining() - 16}
     * @throws IntegrityException TAMPERED_SEGMENT if the tag does not verify for this content id, part,
     *                            index and final flag
     */
    public int decryptSegment(long index, boolean finalSegment, ByteBuffer ciphertext, ByteBuffer out) {
        Scratch s = prepare(index, finalSegment);
        try {
            return AesGcm.decrypt(segmentKey, s.nonce, s.aad, AAD_LENGTH, ciphertext, out);
        } catch (AEADBadTagException e) {
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_SEGMENT,
                    "segment " + index + " of part " + partNumber + " failed authentication");
        }
    }

    private Scratch prepare(long index, boolean finalSegment) {
        if (index < 0) {
            throw new IllegalArgumentException("negative segment index");
        }
        Scratch s = SCRATCH.get();
        byte[] n = s.nonce;
        putInt(n, 0, partNumber);
        putLong(n, 4, index);
        byte[] a = s.aad;
        int p = AAD_DOMAIN.length;
        System.arraycopy(AAD_DOMAIN, 0, a, 0, p);
        System.arraycopy(contentId, 0, a, p, CONTENT_ID_LENGTH);
        p += CONTENT_ID_LENGTH;
        putInt(a, p, partNumber);
        putLong(a, p + 4, index);
        a[p + 12] = (byte) (finalSegment ? 1 : 0);
        return s;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
