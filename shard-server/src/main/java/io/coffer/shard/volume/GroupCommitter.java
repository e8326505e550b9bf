package io.coffer.shard.volume;

import io.coffer.shard.api.ShardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The durability point of a shard: makes written volume bytes, and then the LMDB environment, durable per the
 * {@link FsyncPolicy}.
 *
 * <h2>Group commit</h2>
 * Under {@link FsyncPolicy#GROUP} one dedicated thread takes the first waiting request, drains everything else
 * queued, and runs one batch: one {@link Volume#force()} per distinct dirty volume, then each distinct metadata
 * sync action once (by identity, so pass the same {@code Runnable} instance, e.g. a field holding
 * {@code env::sync}; a method reference evaluated per call is a new object each time; or register it once with
 * {@link #registerMetadataSync} and use {@link #commitMetadata()}), then completes all waiters. Requests arriving while a batch fsyncs form the next batch. There is no timer: an idle shard fsyncs
 * a lone commit immediately, a busy one amortises one fsync over every commit that arrived during the previous
 * one. Under {@link FsyncPolicy#ALWAYS} each commit fsyncs on its own on the I/O scheduler;
 * {@link FsyncPolicy#NONE} completes at once and runs nothing (tests only).
 *
 * <h2>Ordering guarantee</h2>
 * Within one request, volume fsyncs complete before its metadata sync runs, and the returned {@code Mono}
 * completes only after both. The store writes a sector like this:
 * <ol>
 *   <li>{@link SectorWriter#write} — bytes in the page cache;</li>
 *   <li>{@link #commitVolumes} with the sector's volume — <b>sector bytes durable</b>;</li>
 *   <li>LMDB write transaction referencing the sector, committed with {@code MDB_NOSYNC};</li>
 *   <li>{@link #commitMetadata} with the env-sync action — the transaction is durable; acknowledge.</li>
 * </ol>
 * Steps 2 and 4 must be separate calls: with {@code MDB_NOSYNC} the OS may write LMDB's pages back at any time,
 * so the transaction must not even exist before the sector bytes are durable. Hence: <em>sector bytes are
 * durable before any metadata transaction that references them commits.</em> Both steps batch with other
 * requests, so a busy shard pays about two fsyncs per batch, not per PUT. Metadata-only changes (delete a
 * manifest) use step 4 alone; {@link #commit} with both arguments suits callers whose transaction already
 * committed and that only need everything durable.
 *
 * <p>{@link #transact} folds steps 2 to 4 into one request and runs the transaction itself: the batch fsyncs its
 * volumes, runs every request's metadata work in one LMDB write transaction (nested per request, see
 * {@code MetaEnv#writeBatch}), commits it, and then syncs. The store uses it for every metadata mutation.
 * With a {@link Prewrite} the request also carries step 1 for bytes already in memory (a small object's
 * sector): the commit thread writes them at the start of the batch, before its volume fsyncs.
 *
 * <p>A failed fsync fails every request of the batch that named that volume (never retried: after a failed
 * fsync Linux may have dropped the dirty pages, so a retry can report success without the data). A failed
 * metadata sync fails the requests that asked for it.
 *
 * <p>Waiters are completed on the I/O scheduler, not on the commit thread, so their continuations (the next LMDB
 * transaction) never delay the next fsync batch; a batch's waiters are completed in a few tasks, not one each.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    private final VolumeSet volumes;
    private final FsyncPolicy policy;
    private final Scheduler io;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread thread;
    private boolean closed;
    private volatile Runnable registeredSync;
    private volatile TransactionBatch transactions;

    /** Completion tasks per batch: one per core, enough to run the continuations in parallel. */
    private static final int COMPLETION_TASKS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong volumeSyncs = new AtomicLong();
    private final AtomicLong metadataSyncs = new AtomicLong();

    public GroupCommitter(VolumeSet volumes, FsyncPolicy policy, Scheduler io) {
        this.volumes = volumes;
        this.policy = policy;
        this.io = io;
        if (policy == FsyncPolicy.GROUP) {
            thread = new Thread(this::run, "coffer-group-commit");
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /**
     * Makes the given volumes durable, then runs {@code metadataSync} (may be null). Lazy: nothing happens until
     * subscription. Errors with {@code ShardException(INTERNAL)} if an fsync or the sync fails and
     * {@code UNAVAILABLE} once closed.
     */
    public Mono<Void> commit(Set<Integer> dirtyVolumes, Runnable metadataSync) {
        Set<Integer> vols = Set.copyOf(dirtyVolumes);
        switch (policy) {
            case NONE:
                return Mono.fromRunnable(commits::incrementAndGet);
            case ALWAYS:
                return Mono.<Void>fromRunnable(() -> syncNow(vols, metadataSync)).subscribeOn(io);
            default:
                return Mono.<Void>create(sink -> enqueue(new Request(vols, metadataSync, sink)));
        }
    }

    /** Step 2 of the write path: sector bytes in these volumes durable. */
    public Mono<Void> commitVolumes(Set<Integer> dirtyVolumes) {
        return commit(dirtyVolumes, null);
    }

    /** Step 4 of the write path: the (NOSYNC-committed) metadata durable via {@code metadataSync}. */
    public Mono<Void> commitMetadata(Runnable metadataSync) {
        return commit(Set.of(), metadataSync);
    }

    /**
     * Registers the shard's metadata sync (LMDB {@code env.sync(true)}) once, so callers need not keep the same
     * {@code Runnable} instance themselves: {@link #commitMetadata()} and {@link #commitAll} use it.
     */
    public void registerMetadataSync(Runnable metadataSync) {
        if (metadataSync == null) {
            throw new IllegalArgumentException("metadata sync is required");
        }
        this.registeredSync = metadataSync;
    }

    /** {@link #commitMetadata(Runnable)} with the registered sync. */
    public Mono<Void> commitMetadata() {
        return commit(Set.of(), registered());
    }

    /** Volumes then the registered metadata sync, in one request (for callers whose transaction is committed). */
    public Mono<Void> commitAll(Set<Integer> dirtyVolumes) {
        return commit(dirtyVolumes, registered());
    }

    /**
     * Runs metadata steps in one write transaction, each nested so that one failing leaves the others
     * (the metadata store's {@code MetaEnv::writeBatch}).
     */
    @FunctionalInterface
    public interface TransactionBatch {
        void run(List<? extends Runnable> steps);
    }

    /** Registers how {@link #transact} runs its work: the shard's batched LMDB writer. */
    public void registerTransactions(TransactionBatch batch) {
        this.transactions = batch;
    }

    /**
     * Steps 2 to 4 of the write path in one request: {@code durableFirst} volumes durable, then
     * {@code work} (a metadata mutation, which runs its own {@code MetaEnv.write}), then, if
     * {@code sync}, the registered metadata sync; completes with the work's result (empty if null).
     *
     * <p>Under {@link FsyncPolicy#GROUP} the work runs on the commit thread, in the batch's one write
     * transaction with every other request's work ({@link #registerTransactions}), after the batch's
     * volume fsyncs and before its metadata sync: one commit and one fsync of each kind per batch, and
     * two thread hand-offs per request instead of four. A request whose volume failed to fsync is not
     * run. Requests that need no metadata sync complete as soon as the transaction commits. Under
     * {@link FsyncPolicy#ALWAYS} everything runs in order on the I/O scheduler; under
     * {@link FsyncPolicy#NONE} only the work runs, there.
     */
    public <T> Mono<T> transact(Set<Integer> durableFirst, Callable<T> work, boolean sync) {
        Set<Integer> vols = Set.copyOf(durableFirst);
        return transact(() -> vols, work, sync);
    }

    /**
     * Writes that run on the commit thread at the start of their batch, before its volume fsyncs, and
     * answer the volumes they dirtied (which the batch then makes durable). For bytes small enough to
     * write in passing: a sector written this way costs no thread hand-off of its own.
     */
    @FunctionalInterface
    public interface Prewrite {
        Set<Integer> write();
    }

    /**
     * {@link #transact(Set, Callable, boolean)} whose volume bytes are written by {@code prewrite} in
     * the same request: the bytes are written, the volumes they dirtied made durable, then the work
     * runs in the batch's transaction and the metadata is synced. If the prewrite throws, nothing else
     * of the request runs and it fails with that error.
     */
    public <T> Mono<T> transact(Prewrite prewrite, Callable<T> work, boolean sync) {
        Runnable metadataSync = sync ? registered() : null;
        switch (policy) {
            case NONE:
                return Mono.fromCallable(() -> {
                    prewrite.write();
                    commits.incrementAndGet();
                    return work.call();
                }).subscribeOn(io);
            case ALWAYS:
                return Mono.fromCallable(() -> {
                    syncNow(prewrite.write(), null);
                    T result = work.call();
                    if (metadataSync != null) {
                        runSync(metadataSync);
                    }
                    return result;
                }).subscribeOn(io);
            default:
                if (transactions == null) {
                    throw new IllegalStateException("registerTransactions was not called");
                }
                return Mono.<T>create(sink -> enqueue(new Request(prewrite, metadataSync, new Step<>(work, sink))));
        }
    }

    private Runnable registered() {
        Runnable r = registeredSync;
        if (r == null) {
            throw new IllegalStateException("registerMetadataSync was not called");
        }
        return r;
    }

    /** Commit requests served so far. */
    public long commits() {
        return commits.get();
    }

    /** Batches run (GROUP) or commits that synced (ALWAYS). */
    public long batches() {
        return batches.get();
    }

    /** Volume fsyncs issued. */
    public long volumeSyncs() {
        return volumeSyncs.get();
    }

    /** Metadata sync actions run. */
    public long metadataSyncs() {
        return metadataSyncs.get();
    }

    /** Finishes every queued commit, then stops the commit thread. Later commits fail with UNAVAILABLE. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (thread != null) {
                queue.add(Request.STOP);
            }
        } finally {
            closing.writeLock().unlock();
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void enqueue(Request r) {
        closing.readLock().lock();
        try {
            if (closed) {
                r.fail(new ShardException(ShardException.Code.UNAVAILABLE, "group committer is closed"));
                return;
            }
            queue.add(r);
        } finally {
            closing.readLock().unlock();
        }
    }

    private void syncNow(Set<Integer> vols, Runnable metadataSync) {
        commits.incrementAndGet();
        batches.incrementAndGet();
        for (int v : new TreeSet<>(vols)) {
            volumes.volume(v).force();
            volumeSyncs.incrementAndGet();
        }
        if (metadataSync != null) {
            runSync(metadataSync);
        }
    }

    private void runSync(Runnable sync) {
        try {
            sync.run();
            metadataSyncs.incrementAndGet();
        } catch (ShardException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ShardException(ShardException.Code.INTERNAL, "metadata sync failed", e);
        }
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // only close() stops this thread, via STOP; an interrupt from elsewhere is ignored
                continue;
            }
            queue.drainTo(batch);
            stop = batch.remove(Request.STOP);
            if (!batch.isEmpty()) {
                runBatch(batch);
            }
            batch.clear();
        }
        List<Request> late = new ArrayList<>();
        queue.drainTo(late);
        for (Request r : late) {
            if (r != Request.STOP) {
                r.fail(new ShardException(ShardException.Code.UNAVAILABLE, "group committer is closed"));
            }
        }
    }

    private void runBatch(List<Request> batch) {
        batches.incrementAndGet();
        commits.addAndGet(batch.size());
        TreeSet<Integer> vols = new TreeSet<>();
        Set<Runnable> syncs = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Request r : batch) {
            r.prewrite();
            vols.addAll(r.volumes);
            if (r.metadataSync != null) {
                syncs.add(r.metadataSync);
            }
        }
        Map<Integer, RuntimeException> failures = new HashMap<>();
        for (int v : vols) {
            try {
                volumes.volume(v).force();
                volumeSyncs.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.error("fsync of volume {} failed; failing {} waiting commits", v, batch.size(), e);
                failures.put(v, e);
            }
        }
        for (Request r : batch) {
            for (int v : r.volumes) {
                r.error = r.error != null ? r.error : failures.get(v);
            }
        }
        runSteps(batch);
        // what needs no metadata sync is done: its work committed (NOSYNC, a kill -9 keeps it)
        List<Request> done = new ArrayList<>(batch.size());
        for (Request r : batch) {
            if (r.metadataSync == null) {
                done.add(r);
            }
        }
        completeOnIo(done);
        Map<Runnable, RuntimeException> syncFailures = new IdentityHashMap<>();
        for (Runnable s : syncs) {
            try {
                runSync(s);
            } catch (RuntimeException e) {
                LOG.error("metadata sync failed", e);
                syncFailures.put(s, e);
            }
        }
        done = new ArrayList<>(batch.size());
        for (Request r : batch) {
            if (r.metadataSync != null) {
                r.error = r.error != null ? r.error : syncFailures.get(r.metadataSync);
                done.add(r);
            }
        }
        completeOnIo(done);
    }

    /**
     * Hands completed requests to the I/O scheduler in at most {@link #COMPLETION_TASKS} tasks, so
     * their continuations (the next transaction, a response) never delay the next batch, and a batch
     * of many requests wakes a few pooled threads rather than one per request: every wake-up of a
     * parked thread costs a context switch, which on a virtual machine is among the largest costs of
     * a small PUT.
     */
    private void completeOnIo(List<Request> done) {
        int n = done.size();
        if (n == 0) {
            return;
        }
        int tasks = Math.min(n, COMPLETION_TASKS);
        for (int t = 0; t < tasks; t++) {
            List<Request> chunk = done.subList(t * n / tasks, (t + 1) * n / tasks);
            try {
                io.schedule(() -> chunk.forEach(Request::complete));
            } catch (RuntimeException rejected) {
                // the scheduler is shutting down: complete here rather than leave callers waiting
                chunk.forEach(Request::complete);
            }
        }
    }

    /**
     * The batch's transactional work, in one write transaction, after its volumes are durable (a
     * request whose volume failed is skipped: its sector may not be on disk). If the transaction's
     * own commit fails, none of it happened, and every request that had work fails.
     */
    private void runSteps(List<Request> batch) {
        List<Step<?>> steps = new ArrayList<>();
        for (Request r : batch) {
            if (r.step != null && r.error == null) {
                steps.add(r.step);
            }
        }
        if (steps.isEmpty()) {
            return;
        }
        try {
            transactions.run(steps);
        } catch (RuntimeException e) {
            LOG.error("metadata batch of {} transactions failed", steps.size(), e);
            for (Request r : batch) {
                if (r.step != null && r.error == null) {
                    r.error = e;
                }
            }
        }
    }

    /** One request's work in a batch: runs (maybe again, see {@code MetaEnv#writeBatch}) and keeps its outcome. */
    private static final class Step<T> implements Runnable {
        final Callable<T> work;
        final MonoSink<T> sink;
        T result;
        Throwable failure;

        Step(Callable<T> work, MonoSink<T> sink) {
            this.work = work;
            this.sink = sink;
        }

        @Override
        public void run() {
            try {
                result = work.call();
                failure = null;
            } catch (Throwable t) {
                result = null;
                failure = t;
            }
        }

        void complete(Throwable error) {
            Throwable e = error != null ? error : failure;
            if (e != null) {
                sink.error(e);
            } else if (result == null) {
                sink.success();
            } else {
                sink.success(result);
            }
        }
    }

    private static final class Request {
        static final Request STOP = new Request(Set.of(), null, (MonoSink<Void>) null);

        /** The volumes to make durable; set by the prewrite, if any, when the batch runs it. */
        Set<Integer> volumes;
        final Prewrite prewrite;
        final Runnable metadataSync;
        final MonoSink<Void> sink;
        final Step<?> step;
        RuntimeException error;

        Request(Set<Integer> volumes, Runnable metadataSync, MonoSink<Void> sink) {
            this.volumes = volumes;
            this.prewrite = null;
            this.metadataSync = metadataSync;
            this.sink = sink;
            this.step = null;
        }

        Request(Prewrite prewrite, Runnable metadataSync, Step<?> step) {
            this.volumes = Set.of();
            this.prewrite = prewrite;
            this.metadataSync = metadataSync;
            this.sink = null;
            this.step = step;
        }

        /** Runs the prewrite, if any (on the commit thread); a failure fails this request alone. */
        void prewrite() {
            if (prewrite == null) {
                return;
            }
            try {
                volumes = Set.copyOf(prewrite.write());
            } catch (RuntimeException e) {
                LOG.debug("write before commit failed: {}", e.toString());
                error = e;
            } catch (Error e) {
                // fail this request, not the commit thread (which every later commit waits for)
                LOG.error("write before commit failed", e);
                error = new ShardException(ShardException.Code.INTERNAL, "write before commit failed", e);
            }
        }

        void complete() {
            if (step != null) {
                step.complete(error);
            } else if (error != null) {
                sink.error(error);
            } else {
                sink.success();
            }
        }

        void fail(RuntimeException e) {
            error = e;
            complete();
        }
    }
}
