package io.coffer.crypto.manifest;

import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.segment.SegmentLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample manifests for tests. */
final class Manifests {
    private Manifests() {
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    /** Sectors holding the stored bytes of a part of {@code plain} bytes, cut every {@code sectorSize}. */
    static List<SectorRef> sectors(SegmentLayout layout, long plain, long sectorSize, int seed) {
        List<SectorRef> out = new ArrayList<>();
        long left = layout.ciphertextLength(plain);
        for (int i = 0; left > 0; i++) {
            long n = Math.min(left, sectorSize);
            out.add(new SectorRef(filled(16, seed + i), n));
            left -= n;
        }
        return out;
    }

    /** A multipart, metadata-rich manifest with deterministic content. */
    static Manifest sample() {
        SegmentLayout layout = SegmentLayout.DEFAULT;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("zeta", "last");
        meta.put("alpha", "first");
        meta.put("ünïcode", "välue ✓");
        return Manifest.builder()
                .bucket("photos").key("2026/trip/IMG_0001.jpg").versionId("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
                .generation(42).size(5L * 1024 * 1024 + 100).etag("d41d8cd98f00b204e9800998ecf8427e-2")
                .lastModifiedMillis(1_790_000_000_000L).contentType("image/jpeg")
                .userMetadata(meta)
                .headers(Map.of("cache-control", "max-age=60", "content-disposition", "inline"))
                .checksums(Map.of("CRC32C", "yZRlqg==", "type", "COMPOSITE"))
                .tags(Map.of("project", "coffer"))
                .contentId(filled(16, 0xA5))
                .wrappedKey(new WrappedKey("mk-0123456789abcdef", filled(40, 0x11)))
                .parts(List.of(
                        new Part(1, 5L * 1024 * 1024, "etag-1", sectors(layout, 5L * 1024 * 1024, 4 << 20, 1),
                                filled(16, 0x01)),
                        new Part(2, 100, "etag-2", sectors(layout, 100, 4 << 20, 9), filled(16, 0x02))))
                .build();
    }
}
