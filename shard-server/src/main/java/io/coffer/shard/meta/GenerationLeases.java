package io.coffer.shard.meta;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Generations handed out from memory, out of blocks reserved durably in the bucket's record.
 *
 * <p>Every PUT and DELETE of a versioned bucket needs a fresh generation, and a generation must
 * never be handed out twice, not even after a crash. Persisting the counter per call cost a write
 * transaction and a wait for the group commit's fsync on every request; instead a reservation
 * writes {@code counter + BLOCK} to the bucket record, and once that is durable the whole block is
 * handed out from memory (hi/lo allocation). After a restart the next reservation starts above the
 * persisted limit, so numbers skip but never repeat, and they keep growing in time: a request that
 * starts after another one ended gets a larger generation.
 *
 * <p>A lease tracks {@code used}, the largest generation handed out or stored (a version written
 * with a larger generation raises it), and {@code limit}, the largest durably reserved one. Leases
 * live only in memory; {@link #forget} drops one when its bucket is created or deleted, and an
 * incarnation number stops a reservation that raced such a change from installing a stale lease.
 */
final class GenerationLeases {
    /** Generations reserved per durable write. Skipped numbers after a restart cost nothing. */
    static final long BLOCK = 4096;

    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    private static final class Lease {
        long used;
        long limit;
        long incarnation;
    }

    /** A durable block: generations {@code first..limit} are this lease's to hand out. */
    record Reservation(String bucket, long first, long limit, long incarnation) {
    }

    /** A generation from memory, or empty when the bucket has no lease or it is used up. No I/O. */
    OptionalLong next(String bucket, long atLeast) {
        Lease l = leases.get(bucket);
        if (l == null) {
            return OptionalLong.empty();
        }
        synchronized (l) {
            long g = Math.max(l.used, Math.max(0, atLeast)) + 1;
            if (g > l.limit) {
                return OptionalLong.empty();
            }
            l.used = g;
            return OptionalLong.of(g);
        }
    }

    /** The incarnation a reservation must capture before its transaction reads the bucket record. */
    long incarnation(String bucket) {
        Lease l = leases.get(bucket);
        if (l == null) {
            return 0;
        }
        synchronized (l) {
            return l.incarnation;
        }
    }

    /**
     * The generation a reservation hands out first: above the persisted counter, above anything this
     * process handed out or stored, and above {@code atLeast}.
     */
    long firstOfReservation(String bucket, long persisted, long atLeast) {
        Lease l = leases.get(bucket);
        long used = 0;
        if (l != null) {
            synchronized (l) {
                used = l.used;
            }
        }
        return Math.max(persisted, Math.max(used, Math.max(0, atLeast))) + 1;
    }

    /** Called once the reservation is durable: its block may now be handed out. */
    void install(Reservation r) {
        Lease l = lease(r.bucket());
        synchronized (l) {
            if (l.incarnation != r.incarnation()) {
                return; // the bucket was created or deleted meanwhile: its counter started over
            }
            l.used = Math.max(l.used, r.first() - 1);
            l.limit = Math.max(l.limit, r.limit());
        }
    }

    /** A version with generation {@code g} was stored: later generations must be larger. */
    void observe(String bucket, long g) {
        Lease l = leases.get(bucket);
        if (l != null) {
            synchronized (l) {
                l.used = Math.max(l.used, g);
            }
        }
    }

    /** The bucket was created or deleted: its counter is not this lease's any more. */
    void forget(String bucket) {
        Lease l = lease(bucket);
        synchronized (l) {
            l.incarnation++;
            l.used = 0;
            l.limit = 0;
        }
    }

    /** Entries exist only for buckets that were reserved from, created or deleted in this process. */
    private Lease lease(String bucket) {
        return leases.computeIfAbsent(bucket, b -> new Lease());
    }
}
