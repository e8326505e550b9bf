package io.coffer.shard.meta;

import io.coffer.shard.api.ShardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.nio.ByteBuffer;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;

/**
 * The shard's LMDB environment and its named databases, and the one way to run a transaction.
 *
 * <p>Opened with {@code MDB_NOSYNC}: commits reach the OS page cache and {@link #sync()} makes them
 * durable, so the group committer decides when to pay for an fsync. {@code MDB_NOTLS} because the
 * store's scheduler runs transactions on pooled threads.
 *
 * <p>The map grows on demand: a transaction that hits {@code MDB_MAP_FULL} is aborted, the map is
 * doubled while no transaction is open (LMDB requires that), and the whole transaction re-runs.
 * Work passed to {@link #write} must therefore have no side effects outside the transaction.
 */
public final class MetaEnv implements AutoCloseable {
    private static final int ENOSPC = 28;

    private final Env<ByteBuffer> env;
    final Table buckets;
    final Table versions;
    final Table uploads;
    final Table parts;
    final Table sectors;
    final Table refs;
    final Table temporaries;
    final Table volumes;
    final Table jobs;
    final Table control;
    final Table info;

    /** Transactions hold the read side; growing the map takes the write side. */
    private final ReentrantReadWriteLock resizeLock = new ReentrantReadWriteLock();
    private final AtomicLong mapSize;
    private final long maxMapSize;
    private final AtomicLong growths = new AtomicLong();

    private MetaEnv(Env<ByteBuffer> env, long mapSize, long maxMapSize) {
        this.env = env;
        this.mapSize = new AtomicLong(mapSize);
        this.maxMapSize = maxMapSize;
        buckets = open("buckets");
        versions = open("versions");
        uploads = open("uploads");
        parts = open("parts");
        sectors = open("sectors");
        refs = open("refs");
        temporaries = open("temporaries");
        volumes = open("volumes");
        jobs = open("jobs");
        control = open("control");
        info = open("info");
    }

    /**
     * Opens (creating if needed) the environment in {@code dir}.
     *
     * @param initialMapSize map size for a new environment; an existing one keeps its larger size
     * @param maxMapSize     growth stops here and writes fail with NO_SPACE
     */
    public static MetaEnv open(Path dir, long initialMapSize, long maxMapSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Env<ByteBuffer> env = Env.create(ByteBufferProxy.PROXY_OPTIMAL)
                .setMapSize(initialMapSize)
                .setMaxDbs(16)
                .setMaxReaders(256)
                .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
        long actual = env.info().mapSize;
        return new MetaEnv(env, Math.max(actual, initialMapSize), Math.max(maxMapSize, actual));
    }

    private Table open(String name) {
        return new Table(env.openDbi(name, DbiFlags.MDB_CREATE));
    }

    /** Runs {@code work} in a write transaction and commits it; re-runs it after growing a full map. */
    public <R> R write(Function<Txn<ByteBuffer>, R> work) {
        while (true) {
            long sizeSeen = mapSize.get();
            resizeLock.readLock().lock();
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                R result = work.apply(txn);
                txn.commit();
                return result;
            } catch (Env.MapFullException e) {
                // fall through to grow, outside the read lock and with the transaction aborted
            } catch (LmdbNativeException e) {
                throw translate(e);
            } finally {
                resizeLock.readLock().unlock();
            }
            grow(sizeSeen);
        }
    }

    /** Runs {@code work} in a read-only transaction. */
    public <R> R read(Function<Txn<ByteBuffer>, R> work) {
        resizeLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return work.apply(txn);
        } catch (LmdbNativeException e) {
            throw translate(e);
        } finally {
            resizeLock.readLock().unlock();
        }
    }

    /** Flushes committed transactions to disk (fsync of the data file). */
    public void sync() {
        resizeLock.readLock().lock();
        try {
            env.sync(true);
        } catch (LmdbNativeException e) {
            throw translate(e);
        } finally {
            resizeLock.readLock().unlock();
        }
    }

    public long mapSize() {
        return mapSize.get();
    }

    /** How many times the map has grown since open (tests and stats). */
    public long growths() {
        return growths.get();
    }

    private void grow(long sizeSeen) {
        resizeLock.writeLock().lock();
        try {
            if (mapSize.get() != sizeSeen) {
                return; // another thread grew it meanwhile
            }
            if (sizeSeen >= maxMapSize) {
                throw new ShardException(ShardException.Code.NO_SPACE,
                        "metadata map reached its maximum size of " + maxMapSize + " bytes");
            }
            long next = Math.min(maxMapSize, sizeSeen * 2);
            env.setMapSize(next);
            mapSize.set(next);
            growths.incrementAndGet();
        } finally {
            resizeLock.writeLock().unlock();
        }
    }

    private static RuntimeException translate(LmdbNativeException e) {
        if (e.getResultCode() == ENOSPC) {
            return new ShardException(ShardException.Code.NO_SPACE, "disk full writing metadata", e);
        }
        return e;
    }

    @Override
    public void close() {
        resizeLock.writeLock().lock();
        try {
            if (!env.isClosed()) {
                env.sync(true); // NOSYNC: a clean close leaves nothing for the OS to lose
                env.close();
            }
        } finally {
            resizeLock.writeLock().unlock();
        }
    }
}
