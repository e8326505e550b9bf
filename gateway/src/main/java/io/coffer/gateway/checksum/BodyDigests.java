package io.coffer.gateway.checksum;

import io.netty.buffer.ByteBuf;

/**
 * The digests a PUT body needs, computed in one pass over the buffers without copying: MD5 (the ETag),
 * optionally SHA-256 (to check a signed x-amz-content-sha256) and optionally one {@link ChecksumAlgorithm}.
 * Not thread-safe; one per body.
 */
public final class BodyDigests {

    /**
     * @param checksum the requested checksum, or null for none
     * @param sha256   also compute SHA-256 of the body (signed payloads)
     */
    public BodyDigests(ChecksumAlgorithm checksum, boolean sha256) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Reads the buffer's readable bytes without moving its reader index and without releasing it. */
    public void update(ByteBuf buf) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Completes all digests; call once. */
    public BodyDigestResult finish() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
