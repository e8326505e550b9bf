package io.coffer.shard.server;

import io.coffer.shard.api.SectorId;
import io.netty.channel.FileRegion;
import reactor.core.publisher.Mono;

/**
 * The zero-copy read path: an engine that keeps sectors in files hands the server a
 * {@link FileRegion} over the requested bytes, which Netty writes to the socket with
 * {@code FileChannel.transferTo} (sendfile) without copying them through the heap. The server owns
 * the region once emitted (Netty releases it after writing).
 */
@FunctionalInterface
public interface SectorRegionSource {
    /**
     * A region over {@code length} bytes at {@code offset} inside the sector ({@code length} -1: to the
     * end); fails NO_SUCH_SECTOR for an unknown sector and INVALID_ARGUMENT for a range outside it.
     * {@code ShardStore::region} is one.
     */
    Mono<FileRegion> region(SectorId id, long offset, long length);
}
