package io.coffer.shard.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import java.nio.file.Path;

/** The contract against the real engine, embedded: LMDB and volume files in a temp directory. */
class ShardStoreContractTest extends ShardContractTest {
    private ShardStore store;

    @Override
    protected ShardSubject open(Path dir) {
        store = ShardStore.open(dir, ShardConfig.forTests());
        return ShardSubject.embedded(store, store);
    }

    @Override
    protected void checkInvariants() {
        assertEquals(java.util.List.of(), store.meta().audit(100), "engine audit");
    }
}
