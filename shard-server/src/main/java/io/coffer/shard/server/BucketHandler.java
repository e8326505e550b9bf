package io.coffer.shard.server;

import io.coffer.shard.api.BucketInfo;
import io.coffer.shard.api.Shard;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireReader;
import reactor.core.publisher.Mono;

/** Bucket routes: create, get, update, delete, list, next generation. */
final class BucketHandler {
    private final Shard shard;

    BucketHandler(Shard shard) {
        this.shard = shard;
    }

    Mono<Void> create(ShardExchange ex) {
        BucketInfo bucket = readOne(ex);
        return shard.createBucket(bucket).flatMap(b -> ex.reply(w -> WireCodec.writeBucket(w, b)));
    }

    Mono<Void> update(ShardExchange ex) {
        BucketInfo bucket = readOne(ex);
        return shard.updateBucket(bucket).flatMap(b -> ex.reply(w -> WireCodec.writeBucket(w, b)));
    }

    Mono<Void> get(ShardExchange ex) {
        return shard.getBucket(ex.requiredParam("name")).flatMap(b -> ex.reply(w -> {
            w.writeBoolean(b.isPresent());
            b.ifPresent(v -> WireCodec.writeBucket(w, v));
        }));
    }

    Mono<Void> delete(ShardExchange ex) {
        return shard.deleteBucket(ex.requiredParam("name")).then(ex.replyEmpty());
    }

    Mono<Void> list(ShardExchange ex) {
        return shard.listBuckets().collectList().flatMap(list -> ex.reply(w -> {
            w.writeInt(list.size());
            list.forEach(b -> WireCodec.writeBucket(w, b));
        }));
    }

    Mono<Void> nextGeneration(ShardExchange ex) {
        return shard.nextGeneration(ex.requiredParam("name"), ex.longParam("atLeast", 0))
                .flatMap(g -> ex.reply(w -> w.writeLong(g)));
    }

    private static BucketInfo readOne(ShardExchange ex) {
        WireReader r = ex.body();
        BucketInfo bucket = WireCodec.readBucket(r);
        r.expectEnd();
        return bucket;
    }
}
