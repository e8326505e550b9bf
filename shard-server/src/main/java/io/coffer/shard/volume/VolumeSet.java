package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.VolumeInfo;
import io.coffer.shard.api.VolumeState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * All volume files of a shard under {@code <dataDir>/volumes/}, with one {@link ExtentAllocator} each.
 *
 * <p>Opening: existing {@code *.vol} files are opened and identified by their headers; an empty directory gets a
 * first volume of {@link VolumeConfig#initialVolumeSize()}. When volumes already existed, the allocators know
 * nothing until the store replays LMDB's sector extents through {@link #rebuildAllocation}; until then
 * {@link #allocate} refuses to run, so a forgotten rebuild cannot hand out bytes that hold live sectors.
 *
 * <p>Growth: when no writable volume has a free span for a sector, the set extends the last writable volume by
 * {@link VolumeConfig#growStep()} (while it stays under {@link VolumeConfig#maxVolumeSize()}) or adds a new
 * volume, as long as the total stays under {@link VolumeConfig#maxTotalSize()} and the disk has room; otherwise
 * {@code NO_SPACE}.
 *
 * <p>Thread-safety: {@link #volume(int)} is a lock-free array read (read hot path); allocation, growth and
 * state changes take the set's lock.
 */
public final class VolumeSet implements AutoCloseable {
    static final String VOLUMES_DIR = "volumes";
    private static final Logger LOG = LoggerFactory.getLogger(VolumeSet.class);

    private final Path volumesDir;
    private final VolumeConfig config;
    /** indexed by volume index; null where no volume has that index. Replaced, never mutated. */
    private volatile Volume[] byIndex;
    private volatile ExtentAllocator[] allocators;
    private volatile boolean allocationKnown;
    private boolean closed;

    private VolumeSet(Path volumesDir, VolumeConfig config, Volume[] byIndex, boolean fresh) {
        this.volumesDir = volumesDir;
        this.config = config;
        this.byIndex = byIndex;
        this.allocators = new ExtentAllocator[byIndex.length];
        for (Volume v : byIndex) {
            if (v != null) {
                allocators[v.index()] = new ExtentAllocator(v.index(), Volume.DATA_START, v.capacity());
            }
        }
        this.allocationKnown = fresh;
    }

    /**
     * Opens (or initialises) the volumes under {@code <dataDir>/volumes/}.
     *
     * @throws ShardException NO_SPACE if the first volume does not fit on the disk; INTERNAL on a damaged
     *                        volume header or two files claiming the same index
     */
    public static VolumeSet open(Path dataDir, VolumeConfig cfg) {
        Path dir = dataDir.resolve(VOLUMES_DIR);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw DiskSpace.translate(e, "create " + dir);
        }
        deleteUnfinishedVolumes(dir);
        List<Volume> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Volume.SUFFIX)) {
            for (Path f : files) {
                found.add(Volume.open(f));
            }
        } catch (IOException e) {
            found.forEach(Volume::close);
            throw new ShardException(ShardException.Code.INTERNAL, "cannot list " + dir, e);
        } catch (RuntimeException e) {
            found.forEach(Volume::close);
            throw e;
        }
        boolean fresh = found.isEmpty();
        if (fresh) {
            found.add(Volume.create(dir, UUID.randomUUID(), 0, cfg.initialVolumeSize(), cfg.reserveDiskBytes()));
        }
        found.sort(Comparator.comparingInt(Volume::index));
        Volume[] byIndex = new Volume[found.get(found.size() - 1).index() + 1];
        for (Volume v : found) {
            if (byIndex[v.index()] != null) {
                found.forEach(Volume::close);
                throw new ShardException(ShardException.Code.INTERNAL,
                        "volumes " + byIndex[v.index()].id() + " and " + v.id() + " both claim index " + v.index());
            }
            byIndex[v.index()] = v;
        }
        return new VolumeSet(dir, cfg, byIndex, fresh);
    }

    /** Volumes whose creation a crash interrupted never held a sector (allocation starts after creation). */
    private static void deleteUnfinishedVolumes(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Volume.SUFFIX + Volume.TMP_SUFFIX)) {
            for (Path f : files) {
                LOG.warn("deleting {}: its creation did not finish", f);
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "cannot clean up " + dir, e);
        }
    }

    public VolumeConfig config() {
        return config;
    }

    /** Volumes in index order. */
    public List<Volume> volumes() {
        List<Volume> out = new ArrayList<>();
        for (Volume v : byIndex) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * The volume with this index.
     *
     * @throws ShardException INTERNAL when no volume has the index (metadata points at a missing file)
     */
    public Volume volume(int index) {
        Volume[] a = byIndex;
        Volume v = index >= 0 && index < a.length ? a[index] : null;
        if (v == null) {
            throw new ShardException(ShardException.Code.INTERNAL, "no volume with index " + index);
        }
        return v;
    }

    /**
     * Replaces every allocator's state with "free except these extents". Call once at open with the extents of
     * all sectors LMDB knows (temporary and committed).
     */
    public synchronized void rebuildAllocation(Iterable<Extent> usedExtents) {
        for (ExtentAllocator a : allocators) {
            if (a != null) {
                a.reset();
            }
        }
        for (Extent e : usedExtents) {
            allocator(e.volumeIndex()).markUsed(e);
        }
        allocationKnown = true;
    }

    /**
     * Reserves space for a sector of {@code length} bytes in a writable volume, growing the set if needed.
     *
     * @throws ShardException NO_SPACE when the max total size or the disk is exhausted
     */
    public synchronized Extent allocate(long length) {
        if (closed) {
            throw new ShardException(ShardException.Code.UNAVAILABLE, "volume set is closed");
        }
        if (!allocationKnown) {
            throw new IllegalStateException("rebuildAllocation must run before allocate on existing volumes");
        }
        if (length < 0) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT, "sector length must be >= 0: " + length);
        }
        long need = ExtentAllocator.reserved(length);
        if (need > config.maxVolumeSize() - Volume.DATA_START) {
            throw new ShardException(ShardException.Code.INVALID_ARGUMENT,
                    "sector of " + length + " bytes exceeds the max volume size " + config.maxVolumeSize());
        }
        Extent e = tryWritable(length);
        if (e != null) {
            return e;
        }
        grow(need);
        e = tryWritable(length);
        if (e == null) {
            throw new ShardException(ShardException.Code.INTERNAL, "grew volumes but " + length + " bytes still do not fit");
        }
        return e;
    }

    /** Returns an extent's space to its volume's allocator (any state: draining volumes free space too). */
    public void free(Extent extent) {
        allocator(extent.volumeIndex()).free(extent);
    }

    /** Read-only and draining volumes receive no new allocations but still serve reads. Persisted in the header. */
    public synchronized void setState(int volumeIndex, VolumeState state) {
        volume(volumeIndex).setState(state);
    }

    public List<VolumeInfo> info() {
        List<VolumeInfo> out = new ArrayList<>();
        ExtentAllocator[] as = allocators;
        for (Volume v : byIndex) {
            if (v != null) {
                out.add(new VolumeInfo(v.id(), v.path().toString(), v.capacity(), as[v.index()].used(), v.state()));
            }
        }
        return out;
    }

    /** Sum of volume capacities in bytes. */
    public long totalCapacity() {
        long sum = 0;
        for (Volume v : byIndex) {
            if (v != null) {
                sum += v.capacity();
            }
        }
        return sum;
    }

    /** The allocator of one volume (stats and tests). */
    public ExtentAllocator allocator(int volumeIndex) {
        ExtentAllocator[] a = allocators;
        ExtentAllocator x = volumeIndex >= 0 && volumeIndex < a.length ? a[volumeIndex] : null;
        if (x == null) {
            throw new ShardException(ShardException.Code.INTERNAL, "no volume with index " + volumeIndex);
        }
        return x;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Volume v : byIndex) {
            if (v != null) {
                v.close();
            }
        }
    }

    private Extent tryWritable(long length) {
        for (Volume v : byIndex) {
            if (v != null && v.state() == VolumeState.WRITABLE) {
                Extent e = allocators[v.index()].tryAllocate(length);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Adds at least {@code need} contiguous bytes of writable space. Caller holds the lock. */
    private void grow(long need) {
        long total = totalCapacity();
        Volume last = lastWritable();
        if (last != null) {
            ExtentAllocator a = allocators[last.index()];
            // the free tail of the last volume counts toward the sector, so extend only by what is missing
            long tailFree = tailFree(a, last);
            long step = Math.max(config.growStep(), roundUp(need - tailFree));
            long newCapacity = last.capacity() + step;
            if (newCapacity <= config.maxVolumeSize() && total + step <= config.maxTotalSize()) {
                last.extend(newCapacity, config.reserveDiskBytes());
                a.grow(newCapacity);
                return;
            }
        }
        long size = Math.max(config.growStep(), roundUp(need + Volume.DATA_START));
        size = Math.min(size, config.maxVolumeSize());
        if (size - Volume.DATA_START < need || total + size > config.maxTotalSize()) {
            throw new ShardException(ShardException.Code.NO_SPACE, "volumes hold " + total + " bytes; adding "
                    + size + " for a " + need + "-byte sector would pass the max total size " + config.maxTotalSize());
        }
        int index = byIndex.length;
        Volume v = Volume.create(volumesDir, UUID.randomUUID(), index, size, config.reserveDiskBytes());
        Volume[] nv = Arrays.copyOf(byIndex, index + 1);
        ExtentAllocator[] na = Arrays.copyOf(allocators, index + 1);
        nv[index] = v;
        na[index] = new ExtentAllocator(index, Volume.DATA_START, size);
        allocators = na;
        byIndex = nv;
    }

    private Volume lastWritable() {
        Volume[] a = byIndex;
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i] != null) {
                return a[i].state() == VolumeState.WRITABLE ? a[i] : null;
            }
        }
        return null;
    }

    private static long tailFree(ExtentAllocator a, Volume v) {
        return a.freeTail();
    }

    private static long roundUp(long v) {
        long step = ExtentAllocator.ALIGNMENT;
        return Math.max(0, (v + step - 1) / step * step);
    }
}
