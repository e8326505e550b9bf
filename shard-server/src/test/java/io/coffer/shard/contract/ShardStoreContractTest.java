package io.coffer.shard.contract;

import io.coffer.shard.store.ShardConfig;
import io.coffer.shard.store.ShardStore;
import java.nio.file.Path;

/** The contract against the real engine, embedded: LMDB and volume files in a temp directory. */
class ShardStoreContractTest extends ShardContractTest {
    @Override
    protected ShardSubject open(Path dir) {
        ShardStore store = ShardStore.open(dir, ShardConfig.forTests());
        return ShardSubject.embedded(store, store);
    }
}
