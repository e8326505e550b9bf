package io.coffer.shard.index;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.volume.Extent;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Off-heap sector-location index (sector id → volume, offset, length) for the read hot path, persisted in a
 * Chronicle Map file under {@code <dataDir>/index/}.
 *
 * <p>It is a <em>derived</em> index: LMDB is the truth. The file is trusted only after a clean shutdown, which
 * {@link #close()} records with a {@code CLEAN} marker; {@link #open} deletes the marker before any change,
 * so if the process dies the next open finds no marker, deletes the map and rebuilds it from LMDB. The marker
 * also holds a fingerprint of the map file (length, CRC32C of its first MiB), so a file damaged after a clean
 * shutdown is rebuilt rather than trusted. We do not use
 * {@code createOrRecoverPersistedTo}: it needs exclusive access (STACK.md) and recovers a map that can still
 * miss the last updates, whereas a rebuild from LMDB is always exact.
 *
 * <p>Sizing: Chronicle Map sizes its segments at creation. Keys (16 B) and values (int + 2 longs = 20 B) are
 * constant-size, so no average-size guesses are needed; the entry count is
 * {@code max(2 × expectedEntries, MIN_ENTRIES)} where {@code expectedEntries} is LMDB's sector count: room to
 * double before growing. When the map passes {@link #GROW_AT} of its capacity (checked every
 * {@link #GROW_CHECK_INTERVAL} puts, as {@code longSize()} walks the segments), it is copied into a new file of
 * twice the capacity under the write lock; {@code maxBloatFactor(2)} absorbs the puts between checks. Files are
 * named {@code sectors-<generation>.cm}. Measured here: a map sized for 1,000,000 entries is a 49.9 MB file
 * (≈50 B per entry of capacity), so 1 M sectors (4 TB of 4 MiB sectors) cost ~100 MB of page cache.
 *
 * <p>Thread-safety: Chronicle Map is concurrent; a read-write lock only keeps lookups off a map that
 * {@link #close()} or a grow is about to unmap (touching an unmapped map is a JVM crash, not an exception).
 */
public final class SectorLocationIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SectorLocationIndex.class);

    /** Smallest capacity created; keeps tiny shards from growing repeatedly at first. */
    public static final long MIN_ENTRIES = 16_384;
    /** Fill ratio past which the map is rebuilt at twice the capacity. */
    public static final double GROW_AT = 0.75;
    /** Puts between fill checks (a power of two); {@code maxBloatFactor} absorbs the overshoot. */
    static final int GROW_CHECK_INTERVAL = 256;
    static final String CLEAN_MARKER = "CLEAN";
    private static final int FINGERPRINT_BYTES = 1 << 20;
    private static final String PREFIX = "sectors-";
    private static final String SUFFIX = ".cm";

    static {
        // Chronicle libraries send usage analytics unless told not to; a storage server must not phone home.
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    private final Path dir;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong puts = new AtomicLong();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final boolean rebuilt;
    private ChronicleMap<long[], long[]> map;
    private long capacity;
    private int generation;
    private boolean closed;

    private SectorLocationIndex(Path dir, ChronicleMap<long[], long[]> map, long capacity, int generation,
                                boolean rebuilt) {
        this.dir = dir;
        this.map = map;
        this.capacity = capacity;
        this.generation = generation;
        this.rebuilt = rebuilt;
    }

    /**
     * Opens the index in {@code dir}, or rebuilds it from {@code rebuildSource} (LMDB's sector records) when
     * the last process did not close it cleanly or it does not exist.
     *
     * @param expectedEntries sector count hint used to size a new map (e.g. LMDB's sector count)
     */
    public static SectorLocationIndex open(Path dir, long expectedEntries,
                                           Supplier<Iterator<Map.Entry<SectorId, Extent>>> rebuildSource) {
        return open(dir, expectedEntries, MIN_ENTRIES, rebuildSource);
    }

    /** {@link #open} with a different smallest capacity (tests grow a small map without 10^4 puts). */
    static SectorLocationIndex open(Path dir, long expectedEntries, long minEntries,
                                    Supplier<Iterator<Map.Entry<SectorId, Extent>>> rebuildSource) {
        try {
            Files.createDirectories(dir);
            Path marker = dir.resolve(CLEAN_MARKER);
            List<Path> files = mapFiles(dir);
            Map<String, String> clean = Files.exists(marker) ? readMarker(marker) : Map.of();
            if (files.size() == 1 && !clean.isEmpty() && fingerprint(files.get(0)).equals(clean.get("fingerprint"))) {
                Path file = files.get(0);
                int gen = generationOf(file);
                long cap = Long.parseLong(clean.getOrDefault("capacity", Long.toString(MIN_ENTRIES)));
                // From here on a crash must cause a rebuild: the marker goes before the first change.
                Files.delete(marker);
                fsyncDirectory(dir);
                try {
                    ChronicleMap<long[], long[]> m = builder(cap).createPersistedTo(file.toFile());
                    LOG.info("sector index opened clean: {} entries, capacity {}", m.longSize(), cap);
                    return new SectorLocationIndex(dir, m, cap, gen, false);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("sector index {} is unreadable despite a clean shutdown; rebuilding", file, e);
                }
            } else {
                LOG.warn("sector index in {} was not closed cleanly (or is new); rebuilding from metadata", dir);
            }
            Files.deleteIfExists(marker);
            int gen = 0;
            for (Path f : files) {
                gen = Math.max(gen, generationOf(f) + 1);
                Files.delete(f);
            }
            // A fresh generation number: never reuse the path of a map that may still be mapped somewhere.
            long cap = Math.max(minEntries, saturatedDouble(expectedEntries));
            SectorLocationIndex idx = new SectorLocationIndex(dir, builder(cap).createPersistedTo(fileFor(dir, gen).toFile()),
                    cap, gen, true);
            idx.fill(rebuildSource.get());
            return idx;
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "cannot open sector index in " + dir, e);
        }
    }

    /** True if {@link #open} found no clean marker and rebuilt from the source. */
    public boolean rebuiltAtOpen() {
        return rebuilt;
    }

    public void put(SectorId id, Extent extent) {
        Scratch s = scratch.get();
        s.key[0] = id.hi();
        s.key[1] = id.lo();
        s.value[0] = extent.volumeIndex();
        s.value[1] = extent.offset();
        s.value[2] = extent.length();
        lock.readLock().lock();
        try {
            open().put(s.key, s.value);
        } finally {
            lock.readLock().unlock();
        }
        if ((puts.incrementAndGet() & (GROW_CHECK_INTERVAL - 1)) == 0) {
            growIfNeeded();
        }
    }

    /** The location of a sector, or null. Reuses per-thread key and value instances: only the result is new. */
    public Extent get(SectorId id) {
        return get(id.hi(), id.lo());
    }

    public Extent get(long hi, long lo) {
        Scratch s = scratch.get();
        s.key[0] = hi;
        s.key[1] = lo;
        lock.readLock().lock();
        try {
            long[] v = open().getUsing(s.key, s.value);
            return v == null ? null : new Extent((int) v[0], v[1], v[2]);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes a sector; returns whether it was present. */
    public boolean remove(SectorId id) {
        Scratch s = scratch.get();
        s.key[0] = id.hi();
        s.key[1] = id.lo();
        lock.readLock().lock();
        try {
            return open().remove(s.key) != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    public long size() {
        lock.readLock().lock();
        try {
            return open().longSize();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Entries the current map was sized for. */
    public long capacity() {
        lock.readLock().lock();
        try {
            return capacity;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes the map, flushes its file and writes the clean marker, so the next open trusts it. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            map.close();
            Path file = fileFor(dir, generation);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true); // the map's dirty mmap pages, now in the page cache, must be on disk before the marker
            }
            Path tmp = dir.resolve(CLEAN_MARKER + ".tmp");
            String content = "capacity=" + capacity + "\nfingerprint=" + fingerprint(file) + "\n";
            Files.write(tmp, content.getBytes(StandardCharsets.US_ASCII));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(CLEAN_MARKER), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "cannot close sector index in " + dir, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private ChronicleMap<long[], long[]> open() {
        if (closed) {
            throw new ShardException(ShardException.Code.UNAVAILABLE, "sector index is closed");
        }
        return map;
    }

    private void fill(Iterator<Map.Entry<SectorId, Extent>> source) {
        long n = 0;
        while (source.hasNext()) {
            Map.Entry<SectorId, Extent> e = source.next();
            put(e.getKey(), e.getValue());
            n++;
        }
        LOG.info("sector index rebuilt with {} entries", n);
    }

    private void growIfNeeded() {
        lock.writeLock().lock();
        try {
            if (closed || map.longSize() < GROW_AT * capacity) {
                return;
            }
            long newCapacity = saturatedDouble(capacity);
            int newGen = generation + 1;
            Path newFile = fileFor(dir, newGen);
            Files.deleteIfExists(newFile);
            ChronicleMap<long[], long[]> bigger = builder(newCapacity).createPersistedTo(newFile.toFile());
            map.forEachEntry(e -> bigger.put(e.key().get(), e.value().get()));
            map.close();
            Files.delete(fileFor(dir, generation));
            LOG.info("sector index grew from {} to {} entries capacity ({} entries)", capacity, newCapacity, bigger.longSize());
            map = bigger;
            capacity = newCapacity;
            generation = newGen;
        } catch (IOException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "cannot grow sector index in " + dir, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static ChronicleMapBuilder<long[], long[]> builder(long entries) {
        return ChronicleMap.of(long[].class, long[].class)
                .name("coffer-sector-locations")
                .keyMarshallers(SectorKeyMarshaller.INSTANCE, SectorKeyMarshaller.INSTANCE)
                .valueMarshallers(SectorLocationMarshaller.INSTANCE, SectorLocationMarshaller.INSTANCE)
                .constantKeySizeBySample(new long[2])
                .constantValueSizeBySample(new long[3])
                .entries(entries)
                .maxBloatFactor(2.0)
                .putReturnsNull(true);
    }

    private static long saturatedDouble(long v) {
        return v > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * v;
    }

    private static Path fileFor(Path dir, int generation) {
        return dir.resolve(PREFIX + generation + SUFFIX);
    }

    private static int generationOf(Path file) {
        String n = file.getFileName().toString();
        return Integer.parseInt(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }

    private static List<Path> mapFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            ds.forEach(out::add);
        }
        return out;
    }

    private static Map<String, String> readMarker(Path marker) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(marker, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /**
     * File length and CRC32C of the map's first {@link #FINGERPRINT_BYTES} (Chronicle's header and segment
     * headers). Checked before opening: Chronicle waits a full minute on a file whose header looks unfinished, and
     * may trust a damaged one; a mismatch sends us to the rebuild instead.
     */
    private static String fingerprint(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, FINGERPRINT_BYTES));
            while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
                // read the prefix fully
            }
            CRC32C crc = new CRC32C();
            crc.update(buf.flip());
            return size + ":" + Long.toHexString(crc.getValue());
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not all file systems allow fsync on a directory
        }
    }

    /** Per-thread reusable key and value, so lookups allocate nothing but the returned {@link Extent}. */
    private static final class Scratch {
        final long[] key = new long[2];
        final long[] value = new long[3];
    }
}
