package io.coffer.shard.store;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <dataDir>/LOCK} held while a store is open, so a second store on the
 * same directory (in this or another process) fails at open instead of corrupting the allocator.
 * The OS drops the lock when the holder dies, so a crash never leaves the directory locked.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dataDir);
            ch = FileChannel.open(dataDir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                throw new ShardException(Code.UNAVAILABLE, "data directory " + dataDir + " is used by another process");
            }
            return new DataDirLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new ShardException(Code.UNAVAILABLE, "data directory " + dataDir + " is already open in this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ShardException(Code.INTERNAL, "cannot lock data directory " + dataDir, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do: the lock dies with the channel or the process
            }
        }
    }
}
