package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Free-space checks and ENOSPC translation: a full disk is {@code NO_SPACE}, never a crash. */
final class DiskSpace {
    private DiskSpace() {
    }

    static void require(Path dir, long bytes, long reserve, String what) {
        long usable;
        try {
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "cannot read free space of " + dir, e);
        }
        if (usable - reserve < bytes) {
            throw new ShardException(ShardException.Code.NO_SPACE,
                    what + ": needs " + bytes + " bytes plus a reserve of " + reserve + ", disk has " + usable + " free");
        }
    }

    /** Maps ENOSPC / EDQUOT to NO_SPACE and everything else to INTERNAL. */
    static ShardException translate(IOException e, String what) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota exceeded")) {
            return new ShardException(ShardException.Code.NO_SPACE, what + ": disk full", e);
        }
        return new ShardException(ShardException.Code.INTERNAL, what + " failed", e);
    }

    /** Makes a newly created file's directory entry durable (Linux allows fsync on a directory fd). */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on directories; the file itself is already durable.
        }
    }
}
