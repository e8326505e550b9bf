package io.coffer.gateway.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class BodyDigestsTest {

    private static final byte[] DATA = new byte[300_000];

    static {
        new Random(3).nextBytes(DATA);
    }

    private static byte[] jdk(String algorithm, byte[] data) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(data);
    }

    /** Feeds DATA as a direct buffer, a composite of heap pieces and a heap slice. */
    private static BodyDigestResult digestInMixedBuffers(BodyDigests digests) {
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(100_000).writeBytes(DATA, 0, 100_000);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(DATA, 100_000, 50_000));
        composite.addComponent(true, Unpooled.wrappedBuffer(DATA, 150_000, 50_000));
        ByteBuf heap = Unpooled.wrappedBuffer(DATA, 200_000, 100_000);
        try {
            for (ByteBuf b : new ByteBuf[] {direct, composite, heap}) {
                int reader = b.readerIndex();
                digests.update(b);
                assertEquals(reader, b.readerIndex(), "update must not consume the buffer");
            }
        } finally {
            direct.release();
            composite.release();
            heap.release();
        }
        return digests.finish();
    }

    @Test
    void md5Sha256AndCrc32cMatchTheJdkOverMixedBuffers() throws Exception {
        BodyDigestResult r = digestInMixedBuffers(new BodyDigests(ChecksumAlgorithm.CRC32C, true));
        assertEquals(DATA.length, r.length());
        assertEquals(HexFormat.of().formatHex(jdk("MD5", DATA)), r.md5Hex());
        assertEquals(HexFormat.of().formatHex(jdk("SHA-256", DATA)), r.sha256Hex());
        CRC32C crc = new CRC32C();
        crc.update(DATA);
        assertEquals(crc.getValue(), Long.parseLong(HexFormat.of().formatHex(r.checksumValue()), 16));
        assertEquals(ChecksumAlgorithm.CRC32C, r.checksum());
    }

    @Test
    void sha256ChecksumAndSignedPayloadShareOneDigest() throws Exception {
        BodyDigestResult r = digestInMixedBuffers(new BodyDigests(ChecksumAlgorithm.SHA256, true));
        assertArrayEquals(jdk("SHA-256", DATA), r.sha256());
        assertEquals(Base64.getEncoder().encodeToString(jdk("SHA-256", DATA)), r.checksumBase64());
    }

    @Test
    void withoutExtrasOnlyMd5IsComputed() {
        BodyDigests d = new BodyDigests(null, false);
        d.update(new byte[] {1, 2, 3}, 0, 3);
        BodyDigestResult r = d.finish();
        assertNull(r.sha256());
        assertNull(r.checksumBase64());
        assertEquals(3, r.length());
        assertThrows(IllegalStateException.class, d::finish);
    }

    @Test
    void contentMd5IsCheckedForSyntaxAndValue() throws Exception {
        BodyDigests d = new BodyDigests(null, false);
        d.update(DATA, 0, DATA.length);
        BodyDigestResult r = d.finish();
        String good = Base64.getEncoder().encodeToString(jdk("MD5", DATA));
        r.checkContentMd5(good);
        r.checkContentMd5(null);
        byte[] other = jdk("MD5", Arrays.copyOf(DATA, 10));
        DigestException bad = assertThrows(DigestException.class,
                () -> r.checkContentMd5(Base64.getEncoder().encodeToString(other)));
        assertEquals("BadDigest", bad.code());
        assertEquals(400, bad.status());
        DigestException invalid = assertThrows(DigestException.class, () -> r.checkContentMd5("abc"));
        assertEquals("InvalidDigest", invalid.code());
        assertEquals("InvalidDigest", assertThrows(DigestException.class,
                () -> BodyDigestResult.checkContentMd5Syntax("AAAA")).code());
        BodyDigestResult.checkContentMd5Syntax(good);
    }

    @Test
    void signedPayloadHashMismatchIsXAmzContentSha256Mismatch() throws Exception {
        BodyDigests d = new BodyDigests(null, true);
        d.update(DATA, 0, DATA.length);
        BodyDigestResult r = d.finish();
        r.checkSha256(HexFormat.of().formatHex(jdk("SHA-256", DATA)).toUpperCase());
        DigestException e = assertThrows(DigestException.class,
                () -> r.checkSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assertEquals("XAmzContentSHA256Mismatch", e.code());
        assertEquals(400, e.status());
    }

    @Test
    void checksumMismatchIsBadDigestWithS3Message() {
        BodyDigests d = new BodyDigests(ChecksumAlgorithm.CRC32, false);
        d.update("hello".getBytes(), 0, 5);
        BodyDigestResult r = d.finish();
        r.checkChecksum("NhCmhg==");
        DigestException e = assertThrows(DigestException.class, () -> r.checkChecksum("AAAAAA=="));
        assertEquals("BadDigest", e.code());
        assertEquals("The CRC32 you specified did not match the calculated checksum.", e.getMessage());
        assertEquals("InvalidRequest", assertThrows(DigestException.class, () -> r.checkChecksum("zzz")).code());
    }
}
