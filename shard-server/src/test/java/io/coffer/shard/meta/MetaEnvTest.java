package io.coffer.shard.meta;

import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.coffer.shard.meta.MetaFixture.bucket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaEnvTest {
    @TempDir
    Path dir;

    private static ObjectVersion big(int i) {
        byte[] manifest = new byte[2048];
        manifest[0] = (byte) i;
        manifest[2047] = (byte) (i >> 8);
        return new ObjectVersion("b", "key-" + i, "v", i + 1, false, 1, "e", 1, null, List.of(), manifest);
    }

    @Test
    void mapGrowsFromATinyMapAndKeepsEveryTransaction() {
        long initial;
        try (MetaStore meta = MetaStore.open(dir, MetaFixture.MIB, 1L << 34)) {
            initial = MetaFixture.MIB;
            meta.createBucket(bucket("b"));
            for (int i = 0; i < 3000; i++) {
                meta.putVersion(big(i), PutCondition.NONE, false);
            }
            assertTrue(meta.env().growths() > 0, "map never grew");
            assertTrue(meta.env().mapSize() > initial);
            for (int i = 0; i < 3000; i += 97) {
                assertArrayEquals(big(i).manifest(), meta.getVersion("b", "key-" + i, null).orElseThrow().manifest());
            }
        }
        // reopening with the small configured size keeps the grown map
        try (MetaStore meta = MetaStore.open(dir, MetaFixture.MIB, 1L << 34)) {
            assertTrue(meta.env().mapSize() > initial);
            assertEquals(3000, meta.counts().versions());
            assertArrayEquals(big(2999).manifest(), meta.getVersion("b", "key-2999", null).orElseThrow().manifest());
        }
    }

    @Test
    void shardIdentityIsCreatedOnceAndKept() {
        ShardInfo first;
        try (MetaStore meta = MetaFixture.open(dir)) {
            first = meta.shardInfo();
            assertEquals(ShardInfo.CURRENT_SCHEMA, first.schemaVersion());
        }
        try (MetaStore meta = MetaFixture.open(dir)) {
            assertEquals(first, meta.shardInfo());
        }
    }

    @Test
    void mapThatCannotGrowFailsWithNoSpace() {
        try (MetaStore meta = MetaStore.open(dir, MetaFixture.MIB, MetaFixture.MIB)) {
            meta.createBucket(bucket("b"));
            io.coffer.shard.api.ShardException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.coffer.shard.api.ShardException.class, () -> {
                        for (int i = 0; i < 3000; i++) {
                            meta.putVersion(big(i), PutCondition.NONE, false);
                        }
                    });
            assertEquals(io.coffer.shard.api.ShardException.Code.NO_SPACE, e.code());
            // what committed before the map filled is intact
            assertTrue(meta.getVersion("b", "key-0", null).isPresent());
        }
    }
}
