package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.VolumeState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One preallocated volume file, {@code <dataDir>/volumes/<uuid>.vol}, holding sector extents.
 *
 * <p>The first {@link #DATA_START} bytes are a self-describing header (magic, format, index, UUID, state,
 * CRC32C), stored twice (at 0 and at {@link #HEADER_COPY_OFFSET}) and rewritten one copy at a time with an
 * fsync in between, so a torn header write always leaves one valid copy. The metadata side persists the
 * index↔UUID mapping too; the header lets a volume file be identified without LMDB (recovery, tooling).
 *
 * <p>Preallocation: on Linux the blocks are reserved with {@code fallocate(2)} ({@link Preallocation}), so a
 * full disk shows up when a volume is created or grown, not in the middle of a sector write. Where that is not
 * available the file is only sized (as {@link java.io.RandomAccessFile#setLength} would), which on ext4/xfs
 * makes a <em>sparse</em> file whose blocks are allocated on first write. Either way free disk space is checked
 * against the full capacity before creating or growing (minus a configured reserve for LMDB and the OS), and a
 * write that still hits ENOSPC is reported as {@code NO_SPACE}, never a crash.
 *
 * <p>Thread-safety: positional reads and writes on the shared {@link FileChannel} are safe concurrently
 * ({@code pread}/{@code pwrite}); callers must only write inside extents they own.
 */
public final class Volume implements AutoCloseable {
    /** Bytes reserved for the header at the start of the file; extents start at or after this. */
    public static final long DATA_START = 4096;
    static final long HEADER_COPY_OFFSET = 2048;
    static final String SUFFIX = ".vol";
    static final String TMP_SUFFIX = ".tmp";

    private static final byte[] MAGIC = "COFFRVOL".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final int HEADER_BYTES = 8 + 4 + 4 + 16 + 4 + 4;

    private final UUID id;
    private final int index;
    private final Path path;
    private final FileChannel channel;
    private final AtomicLong forces = new AtomicLong();
    /**
     * For {@link #readIfCached}: opened on first use (a new volume's file gets its final name after construction),
     * under a lock of its own, so a read on an event loop never waits behind {@link #extend} or {@link #setState},
     * which fsync while holding this volume's monitor. Once opened, reads take no lock.
     */
    private final Object cachedReadsLock = new Object();
    private volatile CachedReads.Fd cachedReads;
    private volatile boolean cachedReadsOpened;
    /** Cached bytes as slices of a read-only mapping, for readers that only read them once (a GET's decryptor). */
    private final MappedReads mappedReads;
    private boolean closed;
    private volatile long capacity;
    private volatile VolumeState state;

    private Volume(UUID id, int index, Path path, FileChannel channel, long capacity, VolumeState state) {
        this.id = id;
        this.index = index;
        this.path = path;
        this.channel = uninterruptible(channel);
        this.mappedReads = new MappedReads(this.channel);
        this.capacity = capacity;
        this.state = state;
    }

    /**
     * Reactor cancels a task by interrupting its thread, and an interrupt during a FileChannel call
     * closes the channel for every user (ClosedByInterruptException): one client hanging up mid-upload
     * would take the whole volume down until restart. Volumes are shared, so their channels ignore
     * interrupts, as the JDK's own zip and jimage readers do ({@code FileChannelImpl.setUninterruptible},
     * reachable through the {@code --add-exports java.base/sun.nio.ch} the jars and tests already carry).
     */
    static FileChannel uninterruptible(FileChannel channel) {
        try {
            channel.getClass().getMethod("setUninterruptible").invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Volume.class).warn(
                    "volume channels stay interruptible (run with --add-exports=java.base/sun.nio.ch=ALL-UNNAMED): {}",
                    e.toString());
        }
        return channel;
    }

    /**
     * Creates {@code <volumesDir>/<id>.vol} of {@code capacity} bytes and writes its header durably.
     *
     * @throws ShardException NO_SPACE when the file system cannot hold {@code capacity} plus {@code reserveDiskBytes}
     */
    public static Volume create(Path volumesDir, UUID id, int index, long capacity, long reserveDiskBytes) {
        if (capacity <= DATA_START) {
            throw new IllegalArgumentException("capacity must exceed the header: " + capacity);
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        Path file = volumesDir.resolve(id + SUFFIX);
        // Built under a temporary name and renamed once its header is durable: a crash mid-creation leaves only
        // a *.vol.tmp file, which VolumeSet.open deletes, never a *.vol without a header.
        Path tmp = volumesDir.resolve(id + SUFFIX + TMP_SUFFIX);
        FileChannel ch = null;
        try {
            Files.createDirectories(volumesDir);
            DiskSpace.require(volumesDir, capacity, reserveDiskBytes, "create volume " + id);
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (!Preallocation.reserve(tmp, 0, capacity)) {
                ch.write(ByteBuffer.wrap(new byte[1]), capacity - 1); // sparse: see the class comment
            }
            Volume v = new Volume(id, index, file, ch, capacity, VolumeState.WRITABLE);
            v.writeHeader(VolumeState.WRITABLE);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            DiskSpace.fsyncDirectory(volumesDir);
            return v;
        } catch (IOException e) {
            closeQuietly(ch);
            deleteQuietly(tmp);
            throw DiskSpace.translate(e, "create volume " + file);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            if (ch != null) {
                deleteQuietly(tmp);
            }
            throw e;
        }
    }

    /** Opens an existing volume file and validates its header against its file name. */
    public static Volume open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = ch.size();
            Header h = readHeader(ch, 0);
            if (h == null) {
                h = readHeader(ch, HEADER_COPY_OFFSET);
            }
            if (h == null) {
                throw new ShardException(ShardException.Code.INTERNAL, "volume header corrupt in both copies: " + file);
            }
            String expectedName = h.id + SUFFIX;
            if (!file.getFileName().toString().equals(expectedName)) {
                throw new ShardException(ShardException.Code.INTERNAL,
                        "volume file " + file + " has header for " + expectedName);
            }
            return new Volume(h.id, h.index, file, ch, size, h.state);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ShardException(ShardException.Code.INTERNAL, "cannot open volume " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    public UUID id() {
        return id;
    }

    public int index() {
        return index;
    }

    public Path path() {
        return path;
    }

    /** Size of the file in bytes, header included. */
    public long capacity() {
        return capacity;
    }

    public VolumeState state() {
        return state;
    }

    /**
     * The shared channel. Never close it; wrap it for sendfile with {@link SectorReader#region} (which does not
     * close it on release).
     */
    public FileChannel channel() {
        return channel;
    }

    /** Number of {@link #force()} calls that reached the disk; tests and metrics count fsyncs with it. */
    public long forceCount() {
        return forces.get();
    }

    /**
     * Writes all remaining bytes of {@code src} at {@code position} (positional, does not move a shared file
     * pointer). The range must lie in the data area.
     *
     * @return bytes written
     */
    public int write(ByteBuffer src, long position) {
        int n = src.remaining();
        checkRange(position, n);
        try {
            long pos = position;
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
            return n;
        } catch (IOException e) {
            throw DiskSpace.translate(e, "write volume " + id + " at " + position);
        }
    }

    /**
     * Reads into {@code dst} from {@code position} until {@code dst} is full.
     *
     * @throws ShardException INTERNAL if the file ends first (a truncated volume)
     */
    public int read(ByteBuffer dst, long position) {
        int n = dst.remaining();
        checkRange(position, n);
        try {
            long pos = position;
            while (dst.hasRemaining()) {
                int r = channel.read(dst, pos);
                if (r < 0) {
                    throw new ShardException(ShardException.Code.INTERNAL,
                            "volume " + id + " ends at " + pos + " before " + (position + n));
                }
                pos += r;
            }
            return n;
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "read volume " + id + " at " + position, e);
        }
    }

    /**
     * Copies {@code length} bytes from {@code position} to the native memory at {@code address} only if the page
     * cache holds all of them, without ever waiting for the disk (see {@link CachedReads}); false on a miss or
     * where that is not possible, and the caller then reads through the I/O scheduler.
     */
    public boolean readIfCached(long address, int length, long position) {
        checkRange(position, length);
        CachedReads.Fd fd = cachedReads();
        return fd != null && fd.read(address, length, position);
    }

    /**
     * A read-only view of {@code length} bytes at {@code position}, straight from the page cache (a mapping of
     * the file, see {@link MappedReads}), if the page cache holds all of them; null on a miss or where that is not
     * possible, and the caller then copies them ({@link #readIfCached}) or reads through the I/O scheduler. Never
     * waits for the disk. The view stays valid after the volume closes.
     */
    public ByteBuffer sliceIfCached(long position, int length) {
        checkRange(position, length);
        return mappedReads.sliceIfCached(position, length, capacity);
    }

    private CachedReads.Fd cachedReads() {
        if (cachedReadsOpened) {
            return cachedReads; // after close it refuses reads itself
        }
        synchronized (cachedReadsLock) {
            if (!cachedReadsOpened && !closed) {
                cachedReads = CachedReads.open(path);
                cachedReadsOpened = true;
            }
            return cachedReads;
        }
    }

    /** fdatasync: makes written sector bytes durable (the file length does not change on writes). */
    public void force() {
        try {
            channel.force(false);
            forces.incrementAndGet();
        } catch (IOException e) {
            // Linux may drop the dirty pages after a failed fsync; a retry could "succeed" without the data
            // (fsyncgate). Callers fail every commit waiting on this volume instead of retrying.
            throw new ShardException(ShardException.Code.INTERNAL, "fsync volume " + id + " failed", e);
        }
    }

    /** Persists a new state in the header (both copies, fsynced). Called under the volume set's lock. */
    synchronized void setState(VolumeState newState) {
        if (newState == null) {
            throw new IllegalArgumentException("state is required");
        }
        try {
            writeHeader(newState);
        } catch (IOException e) {
            throw DiskSpace.translate(e, "write header of volume " + id);
        }
        state = newState;
    }

    /** Grows the file to {@code newCapacity} bytes (sparse, see the class comment). */
    synchronized void extend(long newCapacity, long reserveDiskBytes) {
        if (newCapacity <= capacity) {
            throw new IllegalArgumentException("volume " + id + " already has " + capacity + " bytes");
        }
        DiskSpace.require(path.getParent(), newCapacity - capacity, reserveDiskBytes, "extend volume " + id);
        try {
            if (!Preallocation.reserve(path, capacity, newCapacity - capacity)) {
                channel.write(ByteBuffer.wrap(new byte[1]), newCapacity - 1); // sparse: see the class comment
            }
            channel.force(true);
            capacity = newCapacity;
        } catch (IOException e) {
            throw DiskSpace.translate(e, "extend volume " + id);
        }
    }

    @Override
    public void close() {
        synchronized (cachedReadsLock) {
            closed = true;
            cachedReadsOpened = true;
            if (cachedReads != null) {
                cachedReads.close(); // for real once no read is in flight
            }
        }
        mappedReads.close();
        try {
            channel.close();
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "close volume " + id, e);
        }
    }

    @Override
    public String toString() {
        return "Volume[" + index + " " + id + " " + capacity + "B " + state + "]";
    }

    private void checkRange(long position, int n) {
        if (position < DATA_START || position + n > capacity) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT,
                    "range " + position + "+" + n + " outside data area of volume " + index + " [" + DATA_START + ", " + capacity + ")");
        }
    }

    private void writeHeader(VolumeState s) throws IOException {
        ByteBuffer h = encodeHeader(s);
        channel.write(h.duplicate(), 0);
        channel.force(true);
        channel.write(h, HEADER_COPY_OFFSET);
        channel.force(true);
    }

    private ByteBuffer encodeHeader(VolumeState s) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putInt(FORMAT).putInt(index)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .putInt(s.ordinal());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    private record Header(UUID id, int index, VolumeState state) {
    }

    /** Returns null when the copy at {@code at} is missing or damaged. */
    private static Header readHeader(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                return null;
            }
        }
        byte[] a = b.array();
        if (!Arrays.equals(a, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(a, 0, HEADER_BYTES - 4);
        b.flip();
        if ((int) crc.getValue() != b.getInt(HEADER_BYTES - 4)) {
            return null;
        }
        int format = b.getInt(8);
        if (format != FORMAT) {
            throw new ShardException(ShardException.Code.INTERNAL, "unsupported volume format " + format);
        }
        int index = b.getInt(12);
        UUID id = new UUID(b.getLong(16), b.getLong(24));
        int st = b.getInt(32);
        VolumeState[] states = VolumeState.values();
        if (st < 0 || st >= states.length) {
            return null;
        }
        return new Header(id, index, states[st]);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the original error is what matters
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort cleanup of a half-created volume
        }
    }
}
