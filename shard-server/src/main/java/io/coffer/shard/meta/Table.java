package io.coffer.shard.meta;

import java.nio.ByteBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * One named LMDB database with a byte-array API over direct buffers.
 *
 * <p>Why not lmdbjava's {@code ByteArrayProxy}: in 0.9.1 it copies each key into native memory
 * that nothing keeps reachable during the native call, so a GC can free it mid-{@code mdb_put}
 * (lmdbjava issue #252; it crashed the JVM here with SIGSEGV). Keys and values are therefore
 * copied into direct buffers held by a per-thread {@link Scratch}, strongly reachable for the whole
 * call, and results are copied out of the map before the transaction ends.
 */
final class Table {
    private final MetaEnv env;
    private final Dbi<ByteBuffer> dbi;
    private final int index;

    /** {@code index}: this table's place among the environment's tables (for per-thread cursors). */
    Table(MetaEnv env, Dbi<ByteBuffer> dbi, int index) {
        this.env = env;
        this.dbi = dbi;
        this.index = index;
    }

    int index() {
        return index;
    }

    Dbi<ByteBuffer> dbi() {
        return dbi;
    }

    byte[] get(Txn<ByteBuffer> txn, byte[] key) {
        Scratch s = Scratch.get();
        ByteBuffer v = dbi.get(txn, s.key(key));
        return v == null ? null : Scratch.copy(v);
    }

    boolean put(Txn<ByteBuffer> txn, byte[] key, byte[] value) {
        Scratch s = Scratch.get();
        return dbi.put(txn, s.key(key), s.value(value));
    }

    boolean delete(Txn<ByteBuffer> txn, byte[] key) {
        return dbi.delete(txn, Scratch.get().key(key));
    }

    /** A cursor in {@code txn}; in a cached read transaction, the thread's reusable one (see MetaEnv). */
    TableCursor openCursor(Txn<ByteBuffer> txn) {
        return env.cursor(this, txn);
    }

    Stat stat(Txn<ByteBuffer> txn) {
        return dbi.stat(txn);
    }

    /** Per-thread direct buffers for keys and values; a larger value replaces the value buffer. */
    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        private final ByteBuffer key = ByteBuffer.allocateDirect(512);
        private ByteBuffer value = ByteBuffer.allocateDirect(4096);

        static Scratch get() {
            return LOCAL.get();
        }

        ByteBuffer key(byte[] k) {
            key.clear();
            key.put(k).flip();
            return key;
        }

        ByteBuffer value(byte[] v) {
            if (v.length > value.capacity()) {
                value = ByteBuffer.allocateDirect(Math.max(v.length, value.capacity() * 2));
            }
            value.clear();
            value.put(v).flip();
            return value;
        }

        static byte[] copy(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            // an absolute bulk get: a duplicate() here was a DirectByteBuffer allocated per row read
            b.get(b.position(), out);
            return out;
        }
    }
}
