package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.DataKey;
import io.coffer.crypto.key.Hkdf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SegmentCipherTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final DataKey KEY = DataKey.of(HEX.parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    private static final byte[] CID = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    @Test
    void segmentIsAesGcmUnderDerivedKeyWithSpecifiedNonceAndAad() throws Exception {
        // rebuilds the construction from its spec with the AES-GCM primitive (tested against NIST vectors)
        byte[] plain = "hello, coffer".getBytes(StandardCharsets.US_ASCII);
        byte[] actual = AesGcmTest.onFreshThread(() -> encrypt(new SegmentCipher(KEY, CID, 7), 0x0102030405L, true,
                plain));
        byte[] segKey = Hkdf.sha256(KEY.bytes(), CID, "coffer-seg-key-v1".getBytes(StandardCharsets.US_ASCII), 32);
        byte[] nonce = HEX.parseHex("00000007" + "0000000102030405");
        byte[] aad = ByteBuffer.allocate(42).put("coffer-seg-v1".getBytes(StandardCharsets.US_ASCII)).put(CID)
                .putInt(7).putLong(0x0102030405L).put((byte) 1).array();
        byte[] expected = AesGcmTest.onFreshThread(() -> {
            ByteBuffer out = ByteBuffer.allocate(plain.length + 16);
            AesGcm.encrypt(new SecretKeySpec(segKey, "AES"), nonce, aad, aad.length, ByteBuffer.wrap(plain), out);
            return out.array();
        });
        assertArrayEquals(expected, actual);
        // regression pin (computed once): changing it makes every stored object unreadable
        assertEquals("1f29056a7d4f4d975b2f78354e55b96a6d6656b48f395e2818b976a8d8", HEX.formatHex(actual));
    }

    @Test
    void decryptRoundTripsOnHeapAndDirectBuffers() {
        SegmentCipher c = new SegmentCipher(DataKey.generate(), CID, 1);
        byte[] plain = new byte[1000];
        Arrays.fill(plain, (byte) 3);
        long index = 0;
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer out = AesGcmTest.alloc(direct, 1016);
            assertEquals(1016, c.encryptSegment(index, false, AesGcmTest.wrap(direct, plain), out));
            ByteBuffer back = AesGcmTest.alloc(!direct, 1000);
            assertEquals(1000, c.decryptSegment(index, false, out.flip(), back));
            assertArrayEquals(plain, AesGcmTest.bytes(back.flip()));
            index++;
        }
    }

    @Test
    void wrongIndexOrFinalFlagIsTamperedSegment() {
        SegmentCipher c = new SegmentCipher(DataKey.generate(), CID, 1);
        ByteBuffer out = ByteBuffer.allocate(116);
        c.encryptSegment(5, false, ByteBuffer.allocate(100), out);
        byte[] stored = out.array();
        for (long[] v : new long[][] {{4, 0}, {6, 0}, {5, 1}}) {
            IntegrityException e = assertThrows(IntegrityException.class, () -> c.decryptSegment(v[0], v[1] == 1,
                    ByteBuffer.wrap(stored), ByteBuffer.allocate(100)));
            assertEquals(IntegrityException.Kind.TAMPERED_SEGMENT, e.kind());
        }
        assertThrows(IntegrityException.class,
                () -> c.decryptSegment(5, false, ByteBuffer.allocate(15), ByteBuffer.allocate(10)));
    }

    @Test
    void freshContentIdGivesUnrelatedKeystreamForSamePartAndIndex() {
        // a re-uploaded part under a new content id must never reuse (key, nonce) with the same data key
        DataKey k = DataKey.generate();
        byte[] cid2 = CID.clone();
        cid2[15] ^= 1;
        ByteBuffer a = ByteBuffer.allocate(48);
        ByteBuffer b = ByteBuffer.allocate(48);
        new SegmentCipher(k, CID, 1).encryptSegment(0, true, ByteBuffer.allocate(32), a);
        new SegmentCipher(k, cid2, 1).encryptSegment(0, true, ByteBuffer.allocate(32), b);
        assertFalse(Arrays.equals(Arrays.copyOf(a.array(), 32), Arrays.copyOf(b.array(), 32)));
    }

    @Test
    void warmUpRunsTheRequestedRounds() throws Exception {
        assertEquals(50, (int) AesGcmTest.onFreshThread(() -> SegmentCipher.warmUp(50)));
    }

    @Test
    void rejectsBadContentIdAndPartNumber() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentCipher(KEY, new byte[15], 1));
        assertThrows(IllegalArgumentException.class, () -> new SegmentCipher(KEY, CID, 0));
    }

    private static byte[] encrypt(SegmentCipher c, long index, boolean last, byte[] plain) {
        ByteBuffer out = ByteBuffer.allocate(plain.length + 16);
        c.encryptSegment(index, last, ByteBuffer.wrap(plain), out);
        return out.array();
    }
}
