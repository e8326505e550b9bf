package io.coffer.gateway.checksum;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digests a PUT body needs, computed in one pass over the buffers without copying: MD5 (the ETag),
 * optionally SHA-256 (to check a signed x-amz-content-sha256) and optionally one {@link ChecksumAlgorithm}.
 * When the requested checksum is SHA256 and SHA-256 is also wanted, it is computed once.
 * Not thread-safe; one per body.
 */
public final class BodyDigests {

    private final MessageDigest md5;
    private final MessageDigest sha256;
    private final ChecksumDigest checksum;
    private final boolean checksumIsSha256;
    private long length;
    private boolean finished;

    /**
     * @param checksum the requested checksum, or null for none
     * @param sha256   also compute SHA-256 of the body (signed payloads)
     */
    public BodyDigests(ChecksumAlgorithm checksum, boolean sha256) {
        this.md5 = messageDigest("MD5");
        this.checksumIsSha256 = checksum == ChecksumAlgorithm.SHA256 && sha256;
        this.sha256 = sha256 ? messageDigest("SHA-256") : null;
        this.checksum = checksum == null || checksumIsSha256 ? null : checksum.newDigest();
    }

    /** Reads the buffer's readable bytes without moving its reader index and without releasing it. */
    public void update(ByteBuf buf) {
        if (finished) {
            throw new IllegalStateException("digests already finished");
        }
        int n = buf.readableBytes();
        if (n == 0) {
            return;
        }
        if (buf.nioBufferCount() == 1) {
            update(buf.nioBuffer(buf.readerIndex(), n));
        } else {
            for (ByteBuffer b : buf.nioBuffers(buf.readerIndex(), n)) {
                update(b);
            }
        }
        length += n;
    }

    /** Same as {@link #update(ByteBuf)} for a plain array. */
    public void update(byte[] bytes, int offset, int len) {
        update(ByteBuffer.wrap(bytes, offset, len));
        length += len;
    }

    private void update(ByteBuffer b) {
        // Each digest consumes the buffer, so each gets its own view of the same bytes.
        int pos = b.position();
        md5.update(b);
        if (sha256 != null) {
            b.position(pos);
            sha256.update(b);
        }
        if (checksum != null) {
            b.position(pos);
            checksum.update(b);
        }
    }

    /** Bytes consumed so far. */
    public long length() {
        return length;
    }

    /** Completes all digests; call once. */
    public BodyDigestResult finish() {
        if (finished) {
            throw new IllegalStateException("digests already finished");
        }
        finished = true;
        byte[] sha = sha256 == null ? null : sha256.digest();
        if (checksumIsSha256) {
            return new BodyDigestResult(length, md5.digest(), sha, ChecksumAlgorithm.SHA256, sha.clone());
        }
        return new BodyDigestResult(length, md5.digest(), sha, checksum == null ? null : checksum.algorithm(),
                checksum == null ? null : checksum.finish());
    }

    private static MessageDigest messageDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is part of every JDK", e);
        }
    }
}
