package io.coffer.crypto.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coffer.crypto.IntegrityException;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.segment.SegmentLayout;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
    private final Random random = new Random(7);

    @Test
    void decodeOfEncodeReturnsEqualManifest() {
        Manifest m = Manifests.sample();
        Manifest back = ManifestCodec.decode(ManifestCodec.encode(m));
        assertEquals(m, back);
        assertEquals("välue ✓", back.userMetadata().get("ünïcode"));
        assertArrayEquals(Manifests.filled(16, 0x02), back.contentIdOf(back.parts().get(1)));
        assertEquals(m.allSectors(), back.allSectors());
    }

    @Test
    void singlePartSseCManifestRoundTrips() {
        SegmentLayout layout = new SegmentLayout(4096);
        Manifest m = Manifest.builder().bucket("b").key("k").generation(1).size(0).segmentSize(4096)
                .contentId(new byte[16]).wrappedKey(new WrappedKey("sse-c", new byte[40])).sseC("a2V5bWQ1")
                .parts(List.of(new Part(1, 0, "", Manifests.sectors(layout, 0, 1 << 20, 3)))).build();
        Manifest back = ManifestCodec.decode(ManifestCodec.encode(m));
        assertEquals(m, back);
        assertTrue(back.sseC());
        assertArrayEquals(new byte[16], back.contentIdOf(back.parts().get(0)));
        assertEquals(16, back.parts().get(0).storedSize());
    }

    @Test
    void encodingIsCanonicalWhateverTheMapOrder() {
        Manifest m = Manifests.sample();
        Manifest reordered = m.toBuilder().userMetadata(new TreeMap<>(m.userMetadata()).descendingMap()).build();
        byte[] a = ManifestCodec.encode(m);
        assertArrayEquals(a, ManifestCodec.encode(reordered));
        assertArrayEquals(a, ManifestCodec.encode(ManifestCodec.decode(a)));
    }

    @Test
    void encodingIsPinned() throws Exception {
        // regression pin (computed once): the bytes signed for every stored manifest must never drift
        byte[] enc = ManifestCodec.encode(Manifests.sample());
        assertEquals(1, enc[0]);
        assertEquals("92bf8c8a4df80cf4c9a6a3129404f77d7dd33058fec2f42c8dae430a54426eaa", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(enc)));
    }

    @Test
    void encodingMatchesTheDocumentedLayoutByteForByte() {
        Manifest m = Manifest.builder().bucket("b").key("k").generation(1).size(0)
                .contentId(new byte[16]).wrappedKey(new WrappedKey("mk-1", new byte[40]))
                .userMetadata(Map.of("a", "1"))
                .parts(List.of(new Part(1, 0, "", List.of(new SectorRef(Manifests.filled(16, 7), 16))))).build();
        String expected = "01"                       // format
                + "00000001" + "62"                 // bucket "b"
                + "00000001" + "6b"                 // key "k"
                + "00000004" + "6e756c6c"           // versionId "null"
                + "0000000000000001"                // generation
                + "0000000000000000"                // size
                + "00000000"                        // etag ""
                + "0000000000000000"                // lastModifiedMillis
                + "00000000"                        // contentType ""
                + "00000001" + "00000001" + "61" + "00000001" + "31" // userMetadata {a=1}
                + "00000000" + "00000000" + "00000000"               // headers, checksums, tags
                + "00".repeat(16)                   // contentId
                + "00010000"                        // segmentSize 65536
                + "00000004" + "6d6b2d31"           // keyId "mk-1"
                + "00000028" + "00".repeat(40)      // wrapped key
                + "00" + "00000000"                 // sseC false, md5 ""
                + "00000001"                        // one part
                + "00000001" + "0000000000000000" + "00000000" + "00" // number, size, etag, no content id
                + "00000001" + "07".repeat(16) + "0000000000000010"; // one sector of 16 bytes
        assertEquals(expected, HexFormat.of().formatHex(ManifestCodec.encode(m)));
    }

    @Test
    void everyTruncationIsTamperedManifest() {
        byte[] enc = ManifestCodec.encode(Manifests.sample());
        for (int n = 0; n < enc.length; n++) {
            byte[] t = Arrays.copyOf(enc, n);
            assertEquals(IntegrityException.Kind.TAMPERED_MANIFEST,
                    assertThrows(IntegrityException.class, () -> ManifestCodec.decode(t)).kind());
        }
        byte[] longer = Arrays.copyOf(enc, enc.length + 1);
        assertThrows(IntegrityException.class, () -> ManifestCodec.decode(longer));
    }

    @Test
    void garbageOnlyEverFailsWithTamperedManifest() {
        byte[] enc = ManifestCodec.encode(Manifests.sample());
        for (int i = 0; i < 5000; i++) {
            byte[] t;
            if (i % 2 == 0) {
                // a valid encoding with one to three bytes changed
                t = enc.clone();
                for (int k = 0; k <= i % 3; k++) {
                    t[random.nextInt(t.length)] = (byte) random.nextInt(256);
                }
            } else {
                t = new byte[random.nextInt(300)];
                random.nextBytes(t);
                if (t.length > 0) {
                    t[0] = 1;
                }
            }
            try {
                Manifest m = ManifestCodec.decode(t);
                // a change that still decodes must decode canonically (the signature is what rejects it)
                assertArrayEquals(t, ManifestCodec.encode(m));
            } catch (IntegrityException e) {
                assertEquals(IntegrityException.Kind.TAMPERED_MANIFEST, e.kind());
            }
        }
    }

    @Test
    void nonCanonicalEncodingsAreRejected() {
        byte[] enc = ManifestCodec.encode(Manifest.builder().bucket("b").key("k").generation(1).size(0)
                .contentId(new byte[16]).wrappedKey(new WrappedKey("mk-1", new byte[40]))
                .userMetadata(Map.of("a", "1", "b", "2"))
                .parts(List.of(new Part(1, 0, "", Manifests.sectors(SegmentLayout.DEFAULT, 0, 100, 0)))).build());
        // swap the two metadata keys "a" and "b" so they are out of order
        int a = indexOf(enc, new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 1, '1'});
        byte[] unsorted = enc.clone();
        unsorted[a + 4] = 'b';
        unsorted[a + 14] = 'a';
        assertThrows(IntegrityException.class, () -> ManifestCodec.decode(unsorted));
        byte[] duplicate = enc.clone();
        duplicate[a + 14] = 'a';
        assertThrows(IntegrityException.class, () -> ManifestCodec.decode(duplicate));
        byte[] badUtf8 = enc.clone();
        badUtf8[a + 4] = (byte) 0xC0;
        assertThrows(IntegrityException.class, () -> ManifestCodec.decode(badUtf8));
        byte[] format2 = enc.clone();
        format2[0] = 2;
        assertThrows(IntegrityException.class, () -> ManifestCodec.decode(format2));
    }

    @Test
    void inconsistentManifestsCannotBeBuilt() {
        Manifest m = Manifests.sample();
        // sectors that do not hold the part's stored length
        Part bad = new Part(1, 10, "", List.of(new SectorRef(new byte[16], 10)));
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().parts(List.of(bad)).size(10).build());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().size(m.size() + 1).build());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().parts(List.of()).build());
        assertThrows(IllegalArgumentException.class,
                () -> m.toBuilder().parts(List.of(m.parts().get(1), m.parts().get(0))).build());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().sseC("bWQ1").build());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().generation(0).build());
        assertThrows(IllegalArgumentException.class, () -> m.toBuilder().contentId(new byte[8]).build());
        assertThrows(IllegalArgumentException.class, () -> ManifestCodec.encode(
                m.toBuilder().contentType("bad \uD800 surrogate").build()));
    }

    @Test
    void accessorsReturnCopies() {
        Manifest m = Manifests.sample();
        m.contentId()[0] ^= 1;
        m.wrappedKey()[0] ^= 1;
        m.parts().get(0).sectors().get(0).sectorId()[0] ^= 1;
        assertEquals(Manifests.sample(), m);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
