package io.coffer.shard.contract;

import java.nio.file.Path;

/** The contract through RemoteShard and ShardHttpServer over 127.0.0.1, in front of the in-memory shard. */
class RemoteInMemoryShardContractTest extends ShardContractTest {
    @Override
    protected ShardSubject open(Path dir) {
        InMemoryShard s = new InMemoryShard();
        return ShardSubject.remote(s, s, null);
    }
}
