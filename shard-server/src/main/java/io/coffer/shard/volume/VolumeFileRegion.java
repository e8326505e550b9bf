package io.coffer.shard.volume;

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a volume's shared channel that does <em>not</em> close the channel when it is
 * released. Netty's {@code DefaultFileRegion.deallocate()} closes its {@code FileChannel} when the reference
 * count reaches zero (after the write completes), which would close the volume for every other reader.
 * Subclassing keeps {@code instanceof DefaultFileRegion}, so the epoll transport still uses native
 * {@code sendfile}.
 */
final class VolumeFileRegion extends DefaultFileRegion {
    VolumeFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The volume owns the channel; it is closed with the volume set.
    }
}
