package io.coffer.shard.meta;

/**
 * Progress of a background job, so an operator (and the next run after a restart) can see how far
 * it got: runs so far, items processed in the last run and in total, and an opaque resume position.
 */
public record JobRecord(String name, long lastRunMillis, long runs, long lastRunItems, long totalItems,
                        byte[] position) {
    public JobRecord {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("job name");
        }
        position = position == null ? new byte[0] : position;
    }

    public static JobRecord initial(String name) {
        return new JobRecord(name, 0, 0, 0, 0, new byte[0]);
    }

    public JobRecord afterRun(long nowMillis, long items, byte[] newPosition) {
        return new JobRecord(name, nowMillis, runs + 1, items, totalItems + items, newPosition);
    }
}
