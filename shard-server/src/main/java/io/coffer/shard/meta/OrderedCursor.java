package io.coffer.shard.meta;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.lmdbjava.GetOp;

/**
 * Walks the rows of one bucket laid out by {@link OrderedKeys} in true (key, suffix) order, with
 * seeks that skip whole key ranges. Long-form groups are read whole and sorted in memory; they are
 * rare (keys over the inline length that share that many leading bytes).
 */
final class OrderedCursor {
    /** One row: the full object key, the row suffix (e.g. inverted generation) and the value. */
    record Row(byte[] key, byte[] suffix, byte[] rawKey, byte[] value) {
    }

    private static final Comparator<Row> ORDER = (a, b) -> {
        int c = Arrays.compareUnsigned(a.key, b.key);
        return c != 0 ? c : Arrays.compareUnsigned(a.suffix, b.suffix);
    };

    private final TableCursor cursor;
    private final OrderedKeys keys;
    private final byte[] bucketPrefix;
    private final Function<byte[], byte[]> fullKeyOf;
    private final ArrayDeque<Row> buffer = new ArrayDeque<>();
    private boolean positioned;
    /**
     * The cursor still stands on the row {@link #next} returned last. It steps on when the next row is
     * asked for, not before: a point read (the newest version of a key) stops at its first row, and the
     * step it would never use was an LMDB {@code mdb_cursor_next} per GET and HEAD (≈ 8 % of a manifest read).
     */
    private boolean stepPending;
    private long seeks;
    private long steps;

    OrderedCursor(TableCursor cursor, OrderedKeys keys, byte[] bucketPrefix, Function<byte[], byte[]> fullKeyOf) {
        this.cursor = cursor;
        this.keys = keys;
        this.bucketPrefix = bucketPrefix;
        this.fullKeyOf = fullKeyOf;
    }

    /** Positions before the first row whose key is >= {@code key}. */
    void seekKey(byte[] key) {
        seekRaw(keys.seekAtOrAfter(bucketPrefix, key));
        if (keys.isLong(key)) {
            loadGroupAndDrop(key, r -> Arrays.compareUnsigned(r.key, key) < 0);
        }
    }

    /** Positions before the first row whose key is > {@code key}. */
    void seekAfterKey(byte[] key) {
        seekRaw(keys.seekAfter(bucketPrefix, key));
        if (keys.isLong(key)) {
            loadGroupAndDrop(key, r -> Arrays.compareUnsigned(r.key, key) <= 0);
        }
    }

    /** Positions before the first row whose key is greater than every key starting with {@code prefix}. */
    void seekPastPrefix(byte[] prefix) {
        seekRaw(keys.seekPastPrefix(bucketPrefix, prefix));
        if (keys.isLong(prefix)) {
            loadGroupAndDrop(prefix,
                    r -> Arrays.compareUnsigned(r.key, prefix) < 0 || OrderedKeys.startsWith(r.key, prefix));
        }
    }

    /** The next row in order, or null at the end of the bucket. */
    Row next() {
        if (!buffer.isEmpty()) {
            return buffer.poll();
        }
        if (stepPending) {
            stepPending = false;
            advance();
        }
        if (!positioned) {
            return null;
        }
        byte[] raw = cursor.key();
        if (!OrderedKeys.startsWith(raw, bucketPrefix)) {
            positioned = false;
            return null;
        }
        int s = keys.suffixStart(raw, bucketPrefix.length);
        if (s < 0) {
            loadGroup(Arrays.copyOf(raw, bucketPrefix.length + keys.inlineBytes() + 1));
            return buffer.poll();
        }
        byte[] value = cursor.val();
        Row row = new Row(Arrays.copyOfRange(raw, bucketPrefix.length, s - 1), Arrays.copyOfRange(raw, s, raw.length),
                raw, value);
        stepPending = true;
        return row;
    }

    long seeks() {
        return seeks;
    }

    long steps() {
        return steps;
    }

    private void seekRaw(byte[] target) {
        buffer.clear();
        stepPending = false;
        seeks++;
        positioned = cursor.get(target, GetOp.MDB_SET_RANGE);
    }

    private void advance() {
        steps++;
        positioned = cursor.next();
    }

    private void loadGroupAndDrop(byte[] key, Predicate<Row> drop) {
        byte[] group = keys.groupPrefix(bucketPrefix, key);
        if (positioned && OrderedKeys.startsWith(cursor.key(), group)) {
            loadGroup(group);
            buffer.removeIf(drop);
        }
    }

    private void loadGroup(byte[] group) {
        List<Row> rows = new ArrayList<>();
        while (positioned) {
            byte[] raw = cursor.key();
            if (!OrderedKeys.startsWith(raw, group)) {
                break;
            }
            int s = -keys.suffixStart(raw, bucketPrefix.length) - 1;
            byte[] value = cursor.val();
            rows.add(new Row(fullKeyOf.apply(value), Arrays.copyOfRange(raw, s, raw.length), raw, value));
            advance();
        }
        rows.sort(ORDER);
        buffer.addAll(rows);
    }
}
