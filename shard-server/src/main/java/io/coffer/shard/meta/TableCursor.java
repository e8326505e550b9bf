package io.coffer.shard.meta;

import java.nio.ByteBuffer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

/** A cursor over a {@link Table} returning copies of keys and values (see {@link Table} for why). */
final class TableCursor implements AutoCloseable {
    private final Cursor<ByteBuffer> cursor;
    /** Null for a cursor of its own; otherwise how to hand a borrowed, cached cursor back. */
    private final Runnable giveBack;

    TableCursor(Cursor<ByteBuffer> cursor, Runnable giveBack) {
        this.cursor = cursor;
        this.giveBack = giveBack;
    }

    boolean first() {
        return cursor.first();
    }

    boolean next() {
        return cursor.next();
    }

    boolean get(byte[] key, GetOp op) {
        return cursor.get(Table.Scratch.get().key(key), op);
    }

    byte[] key() {
        return Table.Scratch.copy(cursor.key());
    }

    byte[] val() {
        return Table.Scratch.copy(cursor.val());
    }

    @Override
    public void close() {
        if (giveBack == null) {
            cursor.close();
        } else {
            giveBack.run();
        }
    }
}
