package io.coffer.shard.meta;

import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.ShardException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.meta.MetaFixture.bucket;
import static io.coffer.shard.meta.MetaFixture.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MetaEnv#writeBatch}: many mutations, one LMDB commit, each mutation nested in it. */
class MetaEnvBatchTest {
    @TempDir
    Path dir;

    /** A step as the group committer runs one: it keeps its own result or failure. */
    private static final class Step implements Runnable {
        final Callable<Object> work;
        Object result;
        Throwable failure;
        int runs;

        Step(Callable<Object> work) {
            this.work = work;
        }

        @Override
        public void run() {
            runs++;
            try {
                result = work.call();
                failure = null;
            } catch (Throwable t) {
                result = null;
                failure = t;
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFailingStepUndoesOnlyItsOwnChangesAndTheOthersCommitTogether() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            MetaEnv env = meta.env();
            Step first = new Step(() -> meta.createBucket(bucket("a")));
            // writes a row and then fails, inside one nested transaction: the row must not survive
            Step broken = new Step(() -> env.write(txn -> {
                env.control.put(txn, bytes("half-done"), bytes("x"));
                throw new IllegalStateException("fails after writing");
            }));
            Step duplicate = new Step(() -> meta.createBucket(bucket("a")));
            Step last = new Step(() -> {
                meta.controlPut("k", bytes("v"));
                return Boolean.TRUE;
            });
            env.writeBatch(List.of(first, broken, duplicate, last));

            assertNull(first.failure);
            assertInstanceOf(IllegalStateException.class, broken.failure);
            // the second create saw the first one's uncommitted bucket: steps see earlier steps
            ShardException exists = assertInstanceOf(ShardException.class, duplicate.failure);
            assertEquals(ShardException.Code.BUCKET_EXISTS, exists.code());
            assertEquals(Boolean.TRUE, last.result);

            assertTrue(meta.getBucket("a").isPresent());
            assertArrayEquals(bytes("v"), meta.controlGet("k").orElseThrow());
            assertFalse(meta.controlGet("half-done").isPresent());
        }
        // and it is all in the file, not just in this process
        try (MetaStore meta = MetaFixture.open(dir)) {
            assertTrue(meta.getBucket("a").isPresent());
            assertArrayEquals(bytes("v"), meta.controlGet("k").orElseThrow());
        }
    }

    @Test
    void conditionalPutsOfOneKeyInOneBatchSeeEachOther() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.createBucket(bucket("b"));
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ObjectVersion v = version("b", "same-key", "v" + i, i + 1);
                steps.add(new Step(() -> meta.putVersion(v, PutCondition.IF_ABSENT, false)));
            }
            meta.env().writeBatch(steps);

            assertNull(steps.get(0).failure);
            for (Step s : steps.subList(1, 5)) {
                ShardException e = assertInstanceOf(ShardException.class, s.failure);
                assertEquals(ShardException.Code.PRECONDITION_FAILED, e.code());
            }
            assertEquals("v0", meta.getVersion("b", "same-key", null).orElseThrow().versionId());
            assertEquals(1, meta.counts().versions());
        }
    }

    @Test
    void aBatchThatFillsTheMapGrowsItAndRunsEveryStepAgain() {
        try (MetaStore meta = MetaStore.open(dir, MetaFixture.MIB, 1L << 34)) {
            meta.createBucket(bucket("b"));
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                byte[] manifest = new byte[2048];
                manifest[0] = (byte) i;
                manifest[1] = (byte) (i >> 8);
                ObjectVersion v = new ObjectVersion("b", "key-" + i, "v", i + 1, false, 1, "e", 1, null, List.of(),
                        manifest);
                steps.add(new Step(() -> meta.putVersion(v, PutCondition.NONE, false)));
            }
            long growthsBefore = meta.env().growths();
            meta.env().writeBatch(steps); // 800 × 2 KiB does not fit a 1 MiB map

            assertTrue(meta.env().growths() > growthsBefore, "map never grew");
            assertTrue(steps.stream().anyMatch(s -> s.runs > 1), "no step ran again after the growth");
            for (Step s : steps) {
                assertNull(s.failure, () -> "step failed: " + s.failure);
            }
            assertEquals(800, meta.counts().versions());
            byte[] last = meta.getVersion("b", "key-799", null).orElseThrow().manifest();
            assertEquals((byte) 799, last[0]);
            assertEquals((byte) (799 >> 8), last[1]);
        }
    }

    @Test
    void batchesDoNotNest() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            Step inner = new Step(() -> {
                meta.env().writeBatch(List.of());
                return null;
            });
            meta.env().writeBatch(List.of(inner));
            assertInstanceOf(IllegalStateException.class, inner.failure);
        }
    }

    @Test
    void writesOutsideABatchStillCommitOnTheirOwn() {
        try (MetaStore meta = MetaFixture.open(dir)) {
            meta.env().writeBatch(List.of(new Step(() -> meta.createBucket(bucket("x")))));
            meta.controlPut("after", bytes("1"));
            assertThrows(ShardException.class, () -> meta.createBucket(bucket("x")));
            assertArrayEquals(bytes("1"), meta.controlGet("after").orElseThrow());
        }
    }
}
