package io.coffer.crypto.manifest;

import io.coffer.crypto.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical, versioned byte encoding of a {@link Manifest}: the bytes the gateway signs. Every manifest
 * has exactly one encoding, and {@link #decode} accepts only canonical bytes (so re-encoding a decoded
 * manifest gives the same bytes).
 *
 * <pre>
 * u8 format (1)
 * str bucket, str key, str versionId, i64 generation, i64 size, str etag, i64 lastModifiedMillis,
 * str contentType, map userMetadata, map headers, map checksums, map tags,
 * 16B contentId, i32 segmentSize, str keyId, u32 n + n B wrappedKey, u8 sseC (0|1), str sseCKeyMd5,
 * u32 partCount, per part: i32 partNumber, i64 plaintextSize, str etag, u8 hasContentId (0|1) [+ 16B],
 *                          u32 sectorCount, per sector: 16B sectorId, i64 length
 * str = u32 length + UTF-8 bytes; map = u32 count + (str key, str value) sorted by the keys' UTF-8 bytes,
 * no duplicates; integers big-endian.
 * </pre>
 */
public final class ManifestCodec {
    private static final int MAX_STRING = 1 << 20;

    private ManifestCodec() {
    }

    /** @throws IllegalArgumentException if a string is not valid Unicode (e.g. an unpaired surrogate) */
    public static byte[] encode(Manifest m) {
        Out o = new Out();
        o.u8(m.formatVersion());
        o.str(m.bucket());
        o.str(m.key());
        o.str(m.versionId());
        o.i64(m.generation());
        o.i64(m.size());
        o.str(m.etag());
        o.i64(m.lastModifiedMillis());
        o.str(m.contentType());
        o.map(m.userMetadata());
        o.map(m.headers());
        o.map(m.checksums());
        o.map(m.tags());
        o.raw(m.contentId());
        o.i32(m.segmentSize());
        o.str(m.keyId());
        byte[] wk = m.wrappedKey();
        o.i32(wk.length);
        o.raw(wk);
        o.u8(m.sseC() ? 1 : 0);
        o.str(m.sseCKeyMd5());
        o.i32(m.parts().size());
        for (Part p : m.parts()) {
            o.i32(p.partNumber());
            o.i64(p.plaintextSize());
            o.str(p.etag());
            byte[] cid = p.contentId();
            o.u8(cid == null ? 0 : 1);
            if (cid != null) {
                o.raw(cid);
            }
            o.i32(p.sectors().size());
            for (SectorRef s : p.sectors()) {
                o.raw(s.sectorId());
                o.i64(s.length());
            }
        }
        return o.toByteArray();
    }

    /**
     * @throws IntegrityException TAMPERED_MANIFEST for anything but the canonical encoding of a valid manifest
     */
    public static Manifest decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static Manifest decode(byte[] bytes, int offset, int length) {
        try {
            In in = new In(ByteBuffer.wrap(bytes, offset, length));
            int format = in.u8();
            if (format != Manifest.FORMAT_VERSION) {
                throw bad("unknown manifest format " + format);
            }
            Manifest.Builder b = Manifest.builder().formatVersion(format)
                    .bucket(in.str()).key(in.str()).versionId(in.str())
                    .generation(in.i64()).size(in.i64()).etag(in.str()).lastModifiedMillis(in.i64())
                    .contentType(in.str())
                    .userMetadata(in.map()).headers(in.map()).checksums(in.map()).tags(in.map())
                    .contentId(in.raw(Manifest.CONTENT_ID_LENGTH)).segmentSize(in.i32()).keyId(in.str());
            b.wrappedKey(in.raw(in.count(1)));
            boolean sseC = in.bool();
            String md5 = in.str();
            if (sseC == md5.isEmpty()) {
                throw bad("SSE-C flag and key MD5 disagree");
            }
            b.sseC(md5);
            int partCount = in.count(4 + 8 + 4 + 1 + 4);
            List<Part> parts = new ArrayList<>(partCount);
            for (int i = 0; i < partCount; i++) {
                int number = in.i32();
                long size = in.i64();
                String etag = in.str();
                byte[] cid = in.bool() ? in.raw(Manifest.CONTENT_ID_LENGTH) : null;
                int sectorCount = in.count(SectorRef.ID_LENGTH + 8);
                List<SectorRef> sectors = new ArrayList<>(sectorCount);
                for (int s = 0; s < sectorCount; s++) {
                    sectors.add(new SectorRef(in.raw(SectorRef.ID_LENGTH), in.i64()));
                }
                parts.add(new Part(number, size, etag, sectors, cid));
            }
            b.parts(parts);
            if (in.buf.hasRemaining()) {
                throw bad("trailing bytes after the manifest");
            }
            return b.build();
        } catch (IntegrityException e) {
            throw e;
        } catch (BufferUnderflowException e) {
            throw bad("manifest is truncated");
        } catch (RuntimeException e) {
            // IllegalArgumentException from a record, ArithmeticException from a size sum: all mean bad bytes
            throw new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST,
                    "manifest does not decode: " + e.getMessage());
        }
    }

    private static IntegrityException bad(String why) {
        return new IntegrityException(IntegrityException.Kind.TAMPERED_MANIFEST, why);
    }

    /** Unsigned lexicographic order of the UTF-8 bytes: independent of any language's string order. */
    static int compareUtf8(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);

        void u8(int v) {
            bytes.write(v);
        }

        void i32(int v) {
            bytes.write(v >>> 24);
            bytes.write(v >>> 16);
            bytes.write(v >>> 8);
            bytes.write(v);
        }

        void i64(long v) {
            i32((int) (v >>> 32));
            i32((int) v);
        }

        void raw(byte[] b) {
            bytes.write(b, 0, b.length);
        }

        void str(String s) {
            byte[] b = utf8(s);
            i32(b.length);
            raw(b);
        }

        void map(Map<String, String> m) {
            List<byte[][]> entries = new ArrayList<>(m.size());
            for (Map.Entry<String, String> e : m.entrySet()) {
                entries.add(new byte[][] {utf8(e.getKey()), utf8(e.getValue())});
            }
            entries.sort((x, y) -> compareUtf8(x[0], y[0]));
            i32(entries.size());
            for (byte[][] e : entries) {
                i32(e[0].length);
                raw(e[0]);
                i32(e[1].length);
                raw(e[1]);
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private static byte[] utf8(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            // getBytes replaces an unpaired surrogate with '?': a string that does not survive the round
            // trip has no UTF-8 form and would not decode to itself
            if (hasNonAscii(s)) {
                if (!new String(b, StandardCharsets.UTF_8).equals(s)) {
                    throw new IllegalArgumentException("manifest string is not valid Unicode");
                }
            }
            return b;
        }

        private static boolean hasNonAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class In {
        final ByteBuffer buf;

        In(ByteBuffer buf) {
            this.buf = buf;
        }

        int u8() {
            return buf.get() & 0xFF;
        }

        boolean bool() {
            int v = u8();
            if (v > 1) {
                throw bad("flag byte is not 0 or 1");
            }
            return v == 1;
        }

        int i32() {
            return buf.getInt();
        }

        long i64() {
            return buf.getLong();
        }

        /** A count or length, checked against the bytes left so garbage cannot make us allocate much. */
        int count(int minBytesEach) {
            int n = buf.getInt();
            if (n < 0 || (long) n * minBytesEach > buf.remaining()) {
                throw bad("count " + n + " exceeds the manifest");
            }
            return n;
        }

        byte[] raw(int n) {
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        byte[] strBytes() {
            int n = count(1);
            if (n > MAX_STRING) {
                throw bad("string too long");
            }
            return raw(n);
        }

        String str() {
            return utf8(strBytes());
        }

        Map<String, String> map() {
            int n = count(8);
            Map<String, String> m = new HashMap<>(n * 2);
            byte[] previous = null;
            for (int i = 0; i < n; i++) {
                byte[] k = strBytes();
                if (previous != null && compareUtf8(previous, k) >= 0) {
                    throw bad("map keys not strictly sorted");
                }
                previous = k;
                m.put(utf8(k), str());
            }
            return m;
        }

        private static String utf8(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8);
            // the JDK decoder replaces malformed or overlong sequences; only canonical UTF-8 re-encodes to
            // the same bytes
            if (!isAscii(b) && !Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
                throw bad("string is not valid UTF-8");
            }
            return s;
        }
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }
}
