package io.coffer.shard.meta;

import io.coffer.shard.api.ShardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.nio.ByteBuffer;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Cursor;
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
 *
 * <p>Read transactions are reused: each thread keeps one, reset ({@code mdb_txn_reset}) between
 * reads and renewed ({@code mdb_txn_renew}) at the start of the next, which saves the allocation
 * and most of {@code mdb_txn_begin} on every point read. A reset transaction holds no snapshot, so
 * it neither pins old pages nor counts as an active transaction for {@link #grow}; it keeps only its
 * reader-table slot, which is why the cache is bounded and slots of dead threads are given back.
 * Cursors opened in a cached transaction are cached the same way ({@code mdb_cursor_renew}), one
 * per table and thread, since opening one allocates native memory in lmdbjava and in LMDB.
 */
public final class MetaEnv implements AutoCloseable {
    private static final int ENOSPC = 28;
    private static final int MAX_DBS = 16;

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

    /**
     * Cached read transactions stay well under the 256 reader slots: Netty event loops and the
     * store's scheduler threads each need one, and fresh transactions need the rest.
     */
    static final int MAX_CACHED_READS = 128;
    private final ThreadLocal<ReadSlot> readSlots = new ThreadLocal<>();
    /** Every cached read transaction, so that close and the dead-thread sweep can free them. */
    private final Set<ReadSlot> cachedReads = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

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
                .setMaxDbs(MAX_DBS)
                .setMaxReaders(256)
                .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
        long actual = env.info().mapSize;
        return new MetaEnv(env, Math.max(actual, initialMapSize), Math.max(maxMapSize, actual));
    }

    private int tables;

    private Table open(String name) {
        return new Table(this, env.openDbi(name, DbiFlags.MDB_CREATE), tables++);
    }

    /**
     * A cursor over {@code table} in {@code txn}. Inside this thread's cached read transaction it is
     * the thread's cached cursor for the table, renewed into the current read (a second cursor on the
     * same table in one read gets a fresh one); elsewhere a fresh cursor that closes for real.
     */
    TableCursor cursor(Table table, Txn<ByteBuffer> txn) {
        if (txn.isReadOnly()) {
            ReadSlot slot = readSlots.get();
            if (slot != null && slot.busy && slot.txn == txn) {
                TableCursor lent = slot.lendCursor(table);
                if (lent != null) {
                    return lent;
                }
            }
        }
        return new TableCursor(table.dbi().openCursor(txn), null);
    }

    /**
     * Runs {@code work} in a write transaction and commits it; re-runs it after growing a full map.
     * Inside {@link #writeBatch} on this thread it runs in a transaction nested in the batch's: a
     * failure (an exception from {@code work}) undoes its own changes only, and its commit makes
     * them part of the batch, durable or lost with it.
     */
    public <R> R write(Function<Txn<ByteBuffer>, R> work) {
        Batch batch = batches.get();
        if (batch != null) {
            return batch.nested(work);
        }
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

    /**
     * Runs every step in one write transaction, committed once: the group committer's way to turn
     * many small metadata mutations into one LMDB commit (one set of B-tree pages written and later
     * fsynced, instead of one per mutation, and no contention for LMDB's writer lock). Each step's
     * {@link #write} calls nest in the batch's transaction, so a step that throws leaves the others'
     * changes intact; steps catch their own exceptions and keep their results. If the map fills, the
     * whole batch is aborted, the map grows, and every step runs again (as {@link #write} re-runs
     * its work), so steps must be re-runnable. Throws if the batch's own commit fails: then no step's
     * change was committed.
     */
    public void writeBatch(List<? extends Runnable> steps) {
        if (batches.get() != null) {
            throw new IllegalStateException("writeBatch inside a batch");
        }
        while (true) {
            long sizeSeen = mapSize.get();
            resizeLock.readLock().lock();
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                Batch batch = new Batch(txn);
                batches.set(batch);
                for (Runnable step : steps) {
                    step.run();
                    if (batch.mapFull) {
                        break;
                    }
                }
                if (!batch.mapFull) {
                    txn.commit();
                    return;
                }
            } catch (Env.MapFullException e) {
                // the commit itself ran out of map: grow and run the batch again
            } catch (LmdbNativeException e) {
                throw translate(e);
            } finally {
                batches.remove();
                resizeLock.readLock().unlock();
            }
            grow(sizeSeen);
        }
    }

    /** The open batch of this thread's {@link #writeBatch}, if any. */
    private final ThreadLocal<Batch> batches = new ThreadLocal<>();

    private final class Batch {
        final Txn<ByteBuffer> parent;
        boolean mapFull;

        Batch(Txn<ByteBuffer> parent) {
            this.parent = parent;
        }

        <R> R nested(Function<Txn<ByteBuffer>, R> work) {
            if (mapFull) {
                throw new ShardException(ShardException.Code.UNAVAILABLE, "metadata batch is being retried");
            }
            try (Txn<ByteBuffer> txn = env.txn(parent)) {
                R result = work.apply(txn);
                txn.commit();
                return result;
            } catch (Env.MapFullException e) {
                mapFull = true; // writeBatch aborts the batch, grows the map and runs every step again
                throw new ShardException(ShardException.Code.UNAVAILABLE, "metadata map full, batch retried", e);
            } catch (LmdbNativeException e) {
                throw translate(e);
            }
        }
    }

    /**
     * Runs {@code work} in a read-only transaction on the newest committed snapshot. The work must
     * copy what it needs out of the map: buffers returned by LMDB are invalid once it returns.
     */
    public <R> R read(Function<Txn<ByteBuffer>, R> work) {
        resizeLock.readLock().lock();
        try {
            checkOpen();
            ReadSlot slot = readSlot();
            if (slot == null) {
                // a read nested in another read on this thread, or the cache is full
                try (Txn<ByteBuffer> txn = env.txnRead()) {
                    return work.apply(txn);
                }
            }
            return slot.run(work);
        } catch (LmdbNativeException e) {
            throw translate(e);
        } finally {
            resizeLock.readLock().unlock();
        }
    }

    /** Read transactions cached for threads right now (tests and stats). */
    public int cachedReadTransactions() {
        return cachedReads.size();
    }

    /** This thread's idle cached transaction, created on first use; null if busy or none may be made. */
    private ReadSlot readSlot() {
        ReadSlot slot = readSlots.get();
        if (slot != null && slot.txn != null) {
            return slot.busy ? null : slot;
        }
        if (slot != null) {
            // its renew failed once: drop it (the LMDB handle is lost, see ReadSlot#run) and start over
            cachedReads.remove(slot);
            readSlots.remove();
        }
        // a new thread: bounded-elastic workers come and go, so give back what dead ones left behind.
        // Rare (once per thread), so one lock keeps the bound exact.
        synchronized (cachedReads) {
            releaseDeadThreadSlots();
            if (cachedReads.size() >= MAX_CACHED_READS) {
                return null;
            }
            Txn<ByteBuffer> txn = env.txnRead();
            txn.reset();
            slot = new ReadSlot(Thread.currentThread(), txn);
            cachedReads.add(slot);
        }
        readSlots.set(slot);
        return slot;
    }

    /** Caller holds the resize lock (either side), so no map change runs meanwhile. */
    private void releaseDeadThreadSlots() {
        for (ReadSlot slot : cachedReads) {
            // a terminated thread's last writes (busy = false) happen-before isAlive() returns false
            if (!slot.owner.isAlive() && cachedReads.remove(slot)) {
                slot.release();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ShardException(ShardException.Code.UNAVAILABLE, "metadata store is closed");
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
            if (closed) {
                return;
            }
            closed = true;
            // no read runs (we hold the write side) and every cached transaction is reset; they must
            // be freed before the environment, whose memory they point into
            for (ReadSlot slot : cachedReads) {
                slot.release();
            }
            cachedReads.clear();
            if (!env.isClosed()) {
                env.sync(true); // NOSYNC: a clean close leaves nothing for the OS to lose
                env.close();
            }
        } finally {
            resizeLock.writeLock().unlock();
        }
    }

    /**
     * One thread's read transaction, kept reset between reads. MDB_NOTLS ties an LMDB reader to the
     * transaction rather than the thread, so another thread may free it (close, dead-thread sweep)
     * as long as the owner is not using it.
     */
    private static final class ReadSlot {
        final Thread owner;
        private Txn<ByteBuffer> txn;
        /** Written and read by the owner only; it guards against a read nested in a read. */
        boolean busy;
        /** Counts reads, so a cached cursor is renewed once per read. */
        private long reads;
        @SuppressWarnings("unchecked")
        private final Cursor<ByteBuffer>[] cursors = new Cursor[MAX_DBS];
        private final long[] cursorRead = new long[MAX_DBS];
        private final boolean[] lent = new boolean[MAX_DBS];
        private final Runnable[] giveBack = new Runnable[MAX_DBS];

        ReadSlot(Thread owner, Txn<ByteBuffer> txn) {
            this.owner = owner;
            this.txn = txn;
            for (int i = 0; i < MAX_DBS; i++) {
                int table = i;
                giveBack[i] = () -> lent[table] = false;
            }
        }

        <R> R run(Function<Txn<ByteBuffer>, R> work) {
            busy = true;
            reads++;
            try {
                try {
                    txn.renew();
                } catch (RuntimeException e) {
                    // the handle is in no state lmdbjava can reset or abort; forget it (a rare leak
                    // of one reader slot, bounded by MAX_CACHED_READS) rather than fail every read
                    closeCursors();
                    txn = null;
                    throw e;
                }
                try {
                    return work.apply(txn);
                } finally {
                    txn.reset();
                }
            } finally {
                Arrays.fill(lent, false); // cursors not closed by the work are free again all the same
                busy = false;
            }
        }

        /** The cached cursor of {@code table}, renewed into the current read; null if already lent. */
        TableCursor lendCursor(Table table) {
            int i = table.index();
            if (lent[i]) {
                return null;
            }
            Cursor<ByteBuffer> c = cursors[i];
            if (c == null) {
                c = table.dbi().openCursor(txn);
                cursors[i] = c;
            } else if (cursorRead[i] != reads) {
                try {
                    c.renew(txn);
                } catch (RuntimeException e) {
                    cursors[i] = null;
                    c.close();
                    throw e;
                }
            }
            cursorRead[i] = reads;
            lent[i] = true;
            return new TableCursor(c, giveBack[i]);
        }

        /**
         * Frees the cursors and the transaction. Cursors of a read-only transaction may be closed
         * after it ended (LMDB does not track them in the transaction). lmdbjava's {@code close()}
         * does not abort a reset transaction (it would leak the LMDB handle and its reader slot),
         * so it is renewed first and then closed, which aborts it.
         */
        void release() {
            closeCursors();
            Txn<ByteBuffer> t = txn;
            txn = null;
            if (t == null) {
                return;
            }
            try {
                t.renew();
            } finally {
                t.close();
            }
        }

        private void closeCursors() {
            for (int i = 0; i < cursors.length; i++) {
                if (cursors[i] != null) {
                    cursors[i].close();
                    cursors[i] = null;
                }
            }
        }
    }
}
