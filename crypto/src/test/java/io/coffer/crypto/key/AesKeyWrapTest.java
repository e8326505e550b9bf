package io.coffer.crypto.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.junit.jupiter.api.Test;

/** RFC 3394 section 4 vectors through the wrap every data key goes through. */
class AesKeyWrapTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEK_256 = HEX.parseHex(
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");

    @Test
    void rfc3394Section41Wrap128With128() throws Exception {
        check("000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
                "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
    }

    @Test
    void rfc3394Section43Wrap128With256() throws Exception {
        check("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                "00112233445566778899AABBCCDDEEFF", "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7");
    }

    @Test
    void rfc3394Section46Wrap256With256() throws Exception {
        // the shape Coffer uses: a 256-bit data key under a 256-bit KEK
        check("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
                "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
    }

    @Test
    void unwrapOfAnyFlippedBitFails() {
        byte[] wrapped = AesKeyWrap.wrap(KEK_256, new byte[32]);
        for (int bit = 0; bit < wrapped.length * 8; bit++) {
            byte[] t = wrapped.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(InvalidCipherTextException.class, () -> AesKeyWrap.unwrap(KEK_256, t));
        }
    }

    private static void check(String kek, String data, String expected) throws Exception {
        byte[] wrapped = AesKeyWrap.wrap(HEX.parseHex(kek), HEX.parseHex(data));
        assertArrayEquals(HEX.parseHex(expected), wrapped);
        assertArrayEquals(HEX.parseHex(data), AesKeyWrap.unwrap(HEX.parseHex(kek), wrapped));
    }
}
