package io.coffer.gateway.checksum;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/** A running checksum of one {@link ChecksumAlgorithm}; not thread-safe, one per body. */
public abstract class ChecksumDigest {

    private final ChecksumAlgorithm algorithm;

    private ChecksumDigest(ChecksumAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    public ChecksumAlgorithm algorithm() {
        return algorithm;
    }

    /** Consumes the buffer's remaining bytes (its position moves to its limit). */
    public abstract void update(ByteBuffer buffer);

    public abstract void update(byte[] bytes, int offset, int length);

    /** The raw checksum (big-endian for CRCs, as S3 encodes them); the digest is then reset. */
    public abstract byte[] finish();

    /** {@link #finish()} as base64. */
    public String finishBase64() {
        return algorithm.encode(finish());
    }

    static ChecksumDigest of(ChecksumAlgorithm algorithm) {
        return switch (algorithm) {
            case CRC32 -> new Crc(algorithm, new CRC32());
            case CRC32C -> new Crc(algorithm, new CRC32C());
            case CRC64NVME -> new Crc(algorithm, new Crc64Nvme());
            case SHA1 -> new Hash(algorithm, "SHA-1");
            case SHA256 -> new Hash(algorithm, "SHA-256");
        };
    }

    private static final class Crc extends ChecksumDigest {
        private final Checksum checksum;

        Crc(ChecksumAlgorithm algorithm, Checksum checksum) {
            super(algorithm);
            this.checksum = checksum;
        }

        @Override
        public void update(ByteBuffer buffer) {
            checksum.update(buffer);
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            checksum.update(bytes, offset, length);
        }

        @Override
        public byte[] finish() {
            long value = checksum.getValue();
            checksum.reset();
            int n = algorithm().digestLength();
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = (byte) (value >>> (8 * (n - 1 - i)));
            }
            return out;
        }
    }

    private static final class Hash extends ChecksumDigest {
        private final MessageDigest digest;

        Hash(ChecksumAlgorithm algorithm, String jcaName) {
            super(algorithm);
            try {
                this.digest = MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is part of every JDK", e);
            }
        }

        @Override
        public void update(ByteBuffer buffer) {
            digest.update(buffer);
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        public byte[] finish() {
            return digest.digest();
        }
    }
}
