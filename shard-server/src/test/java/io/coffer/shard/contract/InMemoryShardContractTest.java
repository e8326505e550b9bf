package io.coffer.shard.contract;

import java.nio.file.Path;

/** The contract against the in-memory reference shard, embedded: checks the tests themselves. */
class InMemoryShardContractTest extends ShardContractTest {
    @Override
    protected ShardSubject open(Path dir) {
        InMemoryShard s = new InMemoryShard();
        return ShardSubject.embedded(s, s);
    }
}
