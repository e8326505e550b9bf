package io.coffer.crypto.manifest;

import io.coffer.crypto.key.SseCustomerKey;
import io.coffer.crypto.key.WrappedKey;
import io.coffer.crypto.segment.SegmentLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to serve and decrypt one object version, and the only thing about it a reader trusts:
 * the gateway signs its canonical encoding ({@link ManifestCodec}, {@link ManifestSigner}) and shards store
 * it opaquely.
 *
 * @param formatVersion      {@link #FORMAT_VERSION}
 * @param versionId          S3 version id ("null" when versioning is off)
 * @param generation         per-bucket generation of this version, &gt; 0
 * @param size               plaintext bytes of the object (the sum of the parts' sizes)
 * @param etag               the S3 ETag without quotes (hex MD5, or "md5-N" for multipart)
 * @param contentType        Content-Type as stored ("" if none)
 * @param userMetadata       x-amz-meta-* values keyed by the lower-case name without the prefix
 * @param headers            other stored response headers keyed by lower-case name (cache-control,
 *                           content-disposition, content-encoding, content-language, expires,
 *                           x-amz-website-redirect-location, x-amz-storage-class, object lock ...)
 * @param checksums          algorithm name ("CRC32C", "SHA256", ...) to base64 value; may also carry the
 *                           checksum type (e.g. "type" to "FULL_OBJECT" / "COMPOSITE")
 * @param tags               object tags
 * @param contentId          16 random bytes per upload, bound into every segment's AAD and key
 * @param segmentSize        plaintext segment size the object was written with
 * @param keyId              master key id the data key is wrapped under, or "sse-c"
 * @param wrappedKey         the AES-KW wrapped data key (40 bytes)
 * @param sseC               true if a customer key (SSE-C) wraps the data key
 * @param sseCKeyMd5         base64 MD5 of the SSE-C key ("" unless sseC)
 * @param parts              at least one; part numbers strictly increasing
 */
public record Manifest(int formatVersion, String bucket, String key, String versionId, long generation, long size,
                       String etag, long lastModifiedMillis, String contentType, Map<String, String> userMetadata,
                       Map<String, String> headers, Map<String, String> checksums, Map<String, String> tags,
                       byte[] contentId, int segmentSize, String keyId, byte[] wrappedKey, boolean sseC,
                       String sseCKeyMd5, List<Part> parts) {
    public static final int FORMAT_VERSION = 1;
    public static final int CONTENT_ID_LENGTH = 16;

    public Manifest {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown manifest format " + formatVersion);
        }
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty() || versionId == null
                || versionId.isEmpty()) {
            throw new IllegalArgumentException("bucket, key and versionId are required");
        }
        if (generation <= 0 || size < 0) {
            throw new IllegalArgumentException("generation must be > 0 and size >= 0");
        }
        etag = etag == null ? "" : etag;
        contentType = contentType == null ? "" : contentType;
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        if (contentId == null || contentId.length != CONTENT_ID_LENGTH) {
            throw new IllegalArgumentException("content id must be 16 bytes");
        }
        contentId = contentId.clone();
        SegmentLayout layout = new SegmentLayout(segmentSize);
        // WrappedKey validates the key id and the wrapped length
        new WrappedKey(keyId, wrappedKey);
        wrappedKey = wrappedKey.clone();
        sseCKeyMd5 = sseCKeyMd5 == null ? "" : sseCKeyMd5;
        if (sseC != SseCustomerKey.KEY_ID.equals(keyId) || sseC == sseCKeyMd5.isEmpty()) {
            throw new IllegalArgumentException("SSE-C objects need key id sse-c and the key MD5; others neither");
        }
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("a manifest needs at least one part");
        }
        parts = List.copyOf(parts);
        long total = 0;
        int previous = 0;
        for (Part p : parts) {
            if (p.partNumber() <= previous) {
                throw new IllegalArgumentException("part numbers must be strictly increasing");
            }
            previous = p.partNumber();
            if (p.storedSize() != layout.ciphertextLength(p.plaintextSize())) {
                throw new IllegalArgumentException("part " + p.partNumber() + " stores " + p.storedSize()
                        + " bytes but " + p.plaintextSize() + " plaintext bytes need "
                        + layout.ciphertextLength(p.plaintextSize()));
            }
            total = Math.addExact(total, p.plaintextSize());
        }
        if (total != size) {
            throw new IllegalArgumentException("parts hold " + total + " bytes, size says " + size);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public byte[] contentId() {
        return contentId.clone();
    }

    @Override
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    public WrappedKey wrappedDataKey() {
        return new WrappedKey(keyId, wrappedKey);
    }

    public SegmentLayout layout() {
        return new SegmentLayout(segmentSize);
    }

    /** The content id {@code part} was encrypted under (its own, or the manifest's). */
    public byte[] contentIdOf(Part part) {
        byte[] own = part.contentId();
        return own != null ? own : contentId.clone();
    }

    /** Every sector of every part, in order. */
    public List<SectorRef> allSectors() {
        List<SectorRef> all = new ArrayList<>();
        for (Part p : parts) {
            all.addAll(p.sectors());
        }
        return all;
    }

    /** The same manifest with the data key re-wrapped (master key rotation); the data is untouched. */
    public Manifest withWrappedKey(WrappedKey k) {
        return toBuilder().wrappedKey(k).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.formatVersion == formatVersion && m.bucket.equals(bucket)
                && m.key.equals(key) && m.versionId.equals(versionId) && m.generation == generation
                && m.size == size && m.etag.equals(etag) && m.lastModifiedMillis == lastModifiedMillis
                && m.contentType.equals(contentType) && m.userMetadata.equals(userMetadata)
                && m.headers.equals(headers) && m.checksums.equals(checksums) && m.tags.equals(tags)
                && Arrays.equals(m.contentId, contentId) && m.segmentSize == segmentSize && m.keyId.equals(keyId)
                && Arrays.equals(m.wrappedKey, wrappedKey) && m.sseC == sseC && m.sseCKeyMd5.equals(sseCKeyMd5)
                && m.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, versionId, generation, size, etag, Arrays.hashCode(contentId), parts);
    }

    @Override
    public String toString() {
        return "Manifest[" + bucket + "/" + key + " v=" + versionId + " gen=" + generation + " size=" + size
                + " etag=" + etag + " contentId=" + HexFormat.of().formatHex(contentId) + " keyId=" + keyId
                + " sseC=" + sseC + " parts=" + parts + "]";
    }

    /** Builds a manifest; defaults: format 1, default segment size, empty maps. */
    public static final class Builder {
        private int formatVersion = FORMAT_VERSION;
        private String bucket;
        private String key;
        private String versionId = "null";
        private long generation;
        private long size;
        private String etag = "";
        private long lastModifiedMillis;
        private String contentType = "";
        private Map<String, String> userMetadata = Map.of();
        private Map<String, String> headers = Map.of();
        private Map<String, String> checksums = Map.of();
        private Map<String, String> tags = Map.of();
        private byte[] contentId;
        private int segmentSize = SegmentLayout.DEFAULT_SEGMENT_SIZE;
        private String keyId;
        private byte[] wrappedKey;
        private boolean sseC;
        private String sseCKeyMd5 = "";
        private List<Part> parts = List.of();

        private Builder() {
        }

        private Builder(Manifest m) {
            formatVersion = m.formatVersion;
            bucket = m.bucket;
            key = m.key;
            versionId = m.versionId;
            generation = m.generation;
            size = m.size;
            etag = m.etag;
            lastModifiedMillis = m.lastModifiedMillis;
            contentType = m.contentType;
            userMetadata = m.userMetadata;
            headers = m.headers;
            checksums = m.checksums;
            tags = m.tags;
            contentId = m.contentId;
            segmentSize = m.segmentSize;
            keyId = m.keyId;
            wrappedKey = m.wrappedKey;
            sseC = m.sseC;
            sseCKeyMd5 = m.sseCKeyMd5;
            parts = m.parts;
        }

        public Builder formatVersion(int v) {
            formatVersion = v;
            return this;
        }

        public Builder bucket(String v) {
            bucket = v;
            return this;
        }

        public Builder key(String v) {
            key = v;
            return this;
        }

        public Builder versionId(String v) {
            versionId = v;
            return this;
        }

        public Builder generation(long v) {
            generation = v;
            return this;
        }

        public Builder size(long v) {
            size = v;
            return this;
        }

        public Builder etag(String v) {
            etag = v;
            return this;
        }

        public Builder lastModifiedMillis(long v) {
            lastModifiedMillis = v;
            return this;
        }

        public Builder contentType(String v) {
            contentType = v;
            return this;
        }

        public Builder userMetadata(Map<String, String> v) {
            userMetadata = v;
            return this;
        }

        public Builder headers(Map<String, String> v) {
            headers = v;
            return this;
        }

        public Builder checksums(Map<String, String> v) {
            checksums = v;
            return this;
        }

        public Builder tags(Map<String, String> v) {
            tags = v;
            return this;
        }

        public Builder contentId(byte[] v) {
            contentId = v;
            return this;
        }

        public Builder segmentSize(int v) {
            segmentSize = v;
            return this;
        }

        /** Sets keyId and wrappedKey. */
        public Builder wrappedKey(WrappedKey v) {
            keyId = v.keyId();
            wrappedKey = v.wrapped();
            return this;
        }

        public Builder keyId(String v) {
            keyId = v;
            return this;
        }

        public Builder wrappedKey(byte[] v) {
            wrappedKey = v;
            return this;
        }

        /** Marks the object SSE-C with the customer key's base64 MD5 ("" or null clears it). */
        public Builder sseC(String keyMd5Base64) {
            sseCKeyMd5 = keyMd5Base64 == null ? "" : keyMd5Base64;
            sseC = !sseCKeyMd5.isEmpty();
            return this;
        }

        public Builder parts(List<Part> v) {
            parts = v;
            return this;
        }

        /** @throws IllegalArgumentException if the manifest is inconsistent (see {@link Manifest}) */
        public Manifest build() {
            return new Manifest(formatVersion, bucket, key, versionId, generation, size, etag, lastModifiedMillis,
                    contentType, userMetadata, headers, checksums, tags, contentId, segmentSize, keyId, wrappedKey,
                    sseC, sseCKeyMd5, parts);
        }
    }
}
