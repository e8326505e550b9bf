package io.coffer.crypto.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.IntegrityException.Kind;
import io.coffer.crypto.key.DataKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** Every way an untrusted shard can change stored bytes fails with the right typed error. */
class SegmentTamperTest {
    private static final int SEG = 64;
    private final Random random = new Random(42);
    private final SegmentStreams st = new SegmentStreams(SEG, false);
    private final DataKey key = DataKey.generate();
    private final byte[] cid = bytes(16);
    /** 3 full segments and a 10-byte final one. */
    private final byte[] plain = bytes(3 * SEG + 10);
    private final byte[] stored = st.encrypt(plain, key, cid, 1);

    @Test
    void everySingleBitFlipInCiphertextOrTagIsTamperedSegment() {
        // a small object (one full segment, one short final one) so every bit can be flipped quickly
        SegmentStreams small = new SegmentStreams(16, true);
        byte[] p = bytes(21);
        byte[] s = small.encrypt(p, key, cid, 1);
        assertEquals(53, s.length);
        for (int bit = 0; bit < s.length * 8; bit++) {
            byte[] t = s.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            expect(Kind.TAMPERED_SEGMENT, () -> small.decryptWhole(t, key, cid, 1, p.length));
        }
        small.alloc.assertAllReleased();
        // and sampled bits of the larger object, read in random chunks
        for (int i = 0; i < 64; i++) {
            int bit = random.nextInt(stored.length * 8);
            byte[] t = stored.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            expect(Kind.TAMPERED_SEGMENT, () -> decryptWhole(t, plain.length));
        }
        st.alloc.assertAllReleased();
    }

    @Test
    void bitFlipInsideARangeReadIsTamperedSegment() {
        CiphertextRange r = st.layout.forPlaintextRange(plain.length, SEG + 3, SEG + 5);
        byte[] slice = Arrays.copyOfRange(stored, (int) r.ciphertextOffset(),
                (int) (r.ciphertextOffset() + r.ciphertextLength()));
        slice[slice.length - 1] ^= 0x10; // the tag
        expect(Kind.TAMPERED_SEGMENT, () -> st.decrypt(slice, key, cid, 1, plain.length, r, List.of(slice.length)));
        st.alloc.assertAllReleased();
    }

    @Test
    void swappingTwoSegmentsIsTamperedSegment() {
        int s = SEG + 16;
        byte[] t = stored.clone();
        System.arraycopy(stored, 0, t, s, s);
        System.arraycopy(stored, s, t, 0, s);
        expect(Kind.TAMPERED_SEGMENT, () -> decryptWhole(t, plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void storedBytesThatVanishUnderAMappedReadAreTamperedSegment(@TempDir Path dir) throws IOException {
        // the shard hands cached sector bytes over as views of the mapped page cache; a volume file cut
        // short under them makes the first touch a SIGBUS, which must end the read as an integrity error
        SegmentStreams big = new SegmentStreams(64 * 1024, true);
        byte[] p = bytes(200_000);
        byte[] s = big.encrypt(p, key, cid, 1);
        Path file = dir.resolve("volume");
        Files.write(file, s);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuf mapped = Unpooled.wrappedBuffer(ch.map(FileChannel.MapMode.READ_ONLY, 0, s.length));
            ch.truncate(0);
            expect(Kind.TAMPERED_SEGMENT, () -> SegmentStreams.drain(big.decryptor.decrypt(Flux.just(mapped), key,
                    cid, 1, p.length, big.layout.whole(p.length))));
        }
        big.alloc.assertAllReleased();
    }

    @Test
    void droppingTheLastSegmentIsTruncated() {
        byte[] t = Arrays.copyOf(stored, 3 * (SEG + 16));
        expect(Kind.TRUNCATED, () -> decryptWhole(t, plain.length));
        // cut inside a segment, and nothing at all
        expect(Kind.TRUNCATED, () -> decryptWhole(Arrays.copyOf(stored, stored.length - 1), plain.length));
        expect(Kind.TRUNCATED, () -> decryptWhole(new byte[0], plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void droppingTheLastSegmentAndClaimingTheShorterLengthFailsOnTheFinalFlag() {
        // a manifest (if it were forged) saying 3 full segments: segment 2 was not written as final
        byte[] t = Arrays.copyOf(stored, 3 * (SEG + 16));
        expect(Kind.TAMPERED_SEGMENT, () -> decryptWhole(t, 3 * SEG));
        st.alloc.assertAllReleased();
    }

    @Test
    void claimingALongerObjectFailsOnTheFinalFlag() {
        byte[] full = st.encrypt(bytes(2 * SEG), key, cid, 2);
        // append a copy of segment 0 and claim 3 segments: segment 1 was final and index 2 is wrong
        byte[] extended = Arrays.copyOf(full, full.length + SEG + 16);
        System.arraycopy(full, 0, extended, full.length, SEG + 16);
        expect(Kind.TAMPERED_SEGMENT, () -> st.decryptWhole(extended, key, cid, 2, 3 * SEG));
        st.alloc.assertAllReleased();
    }

    @Test
    void emptyObjectCannotBeTruncatedOrForged() {
        byte[] empty = st.encrypt(new byte[0], key, cid, 1);
        assertEquals(16, empty.length);
        assertArrayEquals(new byte[0], st.decryptWhole(empty, key, cid, 1, 0));
        expect(Kind.TRUNCATED, () -> st.decryptWhole(new byte[0], key, cid, 1, 0));
        byte[] t = empty.clone();
        t[3] ^= 1;
        expect(Kind.TAMPERED_SEGMENT, () -> st.decryptWhole(t, key, cid, 1, 0));
        st.alloc.assertAllReleased();
    }

    @Test
    void splicingASegmentFromAnotherObjectWithTheSameKeyIsTamperedSegment() {
        // another object encrypted under the same data key (as a server-side copy would share it)
        byte[] otherCid = bytes(16);
        byte[] other = st.encrypt(bytes(plain.length), key, otherCid, 1);
        byte[] t = stored.clone();
        System.arraycopy(other, SEG + 16, t, SEG + 16, SEG + 16);
        expect(Kind.TAMPERED_SEGMENT, () -> decryptWhole(t, plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void splicingASegmentFromAnotherPartOfTheSameUploadIsTamperedSegment() {
        byte[] part2 = st.encrypt(bytes(plain.length), key, cid, 2);
        byte[] t = stored.clone();
        System.arraycopy(part2, 0, t, 0, SEG + 16);
        expect(Kind.TAMPERED_SEGMENT, () -> decryptWhole(t, plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void wrongKeyContentIdOrPartNumberIsTamperedSegment() {
        expect(Kind.TAMPERED_SEGMENT, () -> st.decryptWhole(stored, DataKey.generate(), cid, 1, plain.length));
        expect(Kind.TAMPERED_SEGMENT, () -> st.decryptWhole(stored, key, bytes(16), 1, plain.length));
        expect(Kind.TAMPERED_SEGMENT, () -> st.decryptWhole(stored, key, cid, 2, plain.length));
        st.alloc.assertAllReleased();
    }

    @Test
    void noPlaintextOfAFailingSegmentIsEmitted() {
        // segment 0 and 1 verify and may be emitted; segment 2 is corrupted: nothing of it comes out
        byte[] t = stored.clone();
        t[2 * (SEG + 16) + 5] ^= 1;
        StringBuilder seen = new StringBuilder();
        IntegrityException e = assertThrows(IntegrityException.class, () -> SegmentStreams.drain(
                st.decryptor.decrypt(st.chunks(t, 0, List.of(SEG + 16, SEG + 16, SEG + 16, 26)), key, cid, 1,
                        plain.length,
                        st.layout.whole(plain.length)).doOnNext(b -> seen.append(b.readableBytes()).append(','))));
        assertEquals(Kind.TAMPERED_SEGMENT, e.kind());
        assertEquals(SEG + "," + SEG + ",", seen.toString());
        st.alloc.assertAllReleased();
    }

    private byte[] decryptWhole(byte[] t, long plainLength) {
        return st.decrypt(t, key, cid, 1, plainLength, st.layout.whole(plainLength),
                t.length == 0 ? List.of() : SegmentStreams.randomChunks(random, t.length, 100));
    }

    private static void expect(Kind kind, Executable e) {
        assertEquals(kind, assertThrows(IntegrityException.class, e).kind());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
