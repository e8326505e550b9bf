package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Callable;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * AES-256-GCM known answers through the code every segment goes through: the GCM specification's
 * (McGrew and Viega, as used by NIST) test cases 13-16 and a NIST CAVP vector.
 *
 * <p>The JDK refuses two encryptions in a row with the same key and IV on one Cipher, and cases 13 and 14
 * share both, so each vector runs on its own thread (the ciphers are per thread).
 */
class AesGcmTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String K15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private static final String P15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String C15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";

    @Test
    void gcmSpecTestCase13EmptyPlaintext() throws Exception {
        kat("00".repeat(32), "00".repeat(12), "", "", "", "530f8afbc74536b9a963b4f1c4cb738b");
    }

    @Test
    void gcmSpecTestCase14OneBlock() throws Exception {
        kat("00".repeat(32), "00".repeat(12), "", "00".repeat(16), "cea7403d4d606b6e074ec5d3baf39d18",
                "d0d1c8a799996bf0265b98b5d48ab919");
    }

    @Test
    void gcmSpecTestCase15FourBlocks() throws Exception {
        kat(K15, "cafebabefacedbaddecaf888", "", P15, C15, "b094dac5d93471bdec1a502270e3cc6c");
    }

    @Test
    void gcmSpecTestCase16WithAadAndPartialBlock() throws Exception {
        kat(K15, "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                P15.substring(0, 120), C15.substring(0, 120), "76fc6ece0f4e1768cddf8853bb2d551b");
    }

    @Test
    void nistCavpGcmEncryptExtIv256() throws Exception {
        kat("83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a", "0b459724904e010a46901cf3",
                "794a14ccd178c8ebfd1379dc704c5e208f9d8424", "33d893a2114ce06fc15d55e454cf90c3",
                "cc66bee423e3fcd4c0865715e9586696", "0fb291bd3dba94a1dfd8b286cfb97ac5");
    }

    @Test
    void sameKeyAndNonceTwiceInARowIsRefusedAsNonceReuse() throws Exception {
        onFreshThread(() -> {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            byte[] nonce = new byte[12];
            AesGcm.encrypt(key, nonce, new byte[0], 0, ByteBuffer.allocate(16), ByteBuffer.allocate(32));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AesGcm.encrypt(key, nonce,
                    new byte[0], 0, ByteBuffer.allocate(16), ByteBuffer.allocate(32)));
            assertTrue(e.getMessage().contains("nonce reuse"));
            // a different nonce works again on the same thread
            nonce[11] = 1;
            assertEquals(32, AesGcm.encrypt(key, nonce, new byte[0], 0, ByteBuffer.allocate(16),
                    ByteBuffer.allocate(32)));
            return null;
        });
    }

    private static void kat(String k, String iv, String aad, String p, String c, String t) throws Exception {
        // heap and direct buffers each on a fresh thread: the JDK forbids a second encryption under the
        // same key and IV on one Cipher, even with a decryption in between
        for (boolean direct : new boolean[] {false, true}) {
            onFreshThread(() -> {
                SecretKeySpec key = new SecretKeySpec(HEX.parseHex(k), "AES");
                byte[] a = HEX.parseHex(aad);
                byte[] plain = HEX.parseHex(p);
                byte[] expected = HEX.parseHex(c + t);
                ByteBuffer out = alloc(direct, plain.length + 16);
                int n = AesGcm.encrypt(key, HEX.parseHex(iv), a, a.length, wrap(direct, plain), out);
                assertEquals(expected.length, n);
                assertArrayEquals(expected, bytes(out.flip()));

                ByteBuffer back = alloc(direct, plain.length);
                assertEquals(plain.length, AesGcm.decrypt(key, HEX.parseHex(iv), a, a.length,
                        wrap(direct, expected), back));
                assertArrayEquals(plain, bytes(back.flip()));

                byte[] badTag = expected.clone();
                badTag[badTag.length - 1] ^= 1;
                assertThrows(AEADBadTagException.class, () -> AesGcm.decrypt(key, HEX.parseHex(iv), a, a.length,
                        wrap(direct, badTag), alloc(direct, plain.length)));
                if (a.length > 0) {
                    byte[] badAad = a.clone();
                    badAad[0] ^= 1;
                    assertThrows(AEADBadTagException.class, () -> AesGcm.decrypt(key, HEX.parseHex(iv), badAad,
                            badAad.length, wrap(direct, expected), alloc(direct, plain.length)));
                }
                return null;
            });
        }
    }

    static ByteBuffer alloc(boolean direct, int n) {
        return direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
    }

    static ByteBuffer wrap(boolean direct, byte[] b) {
        ByteBuffer buf = alloc(direct, b.length);
        buf.put(b).flip();
        return buf;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static <T> T onFreshThread(Callable<T> work) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, ex).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        } finally {
            ex.shutdownNow();
        }
    }
}
