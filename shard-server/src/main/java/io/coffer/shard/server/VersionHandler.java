package io.coffer.shard.server;

import io.coffer.shard.api.ListRequest;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireReader;
import reactor.core.publisher.Mono;

/** Object version (manifest) routes and listing. */
final class VersionHandler {
    private final Shard shard;

    VersionHandler(Shard shard) {
        this.shard = shard;
    }

    /** Body: condition then version; query replaceNull. Answers the previously current version. */
    Mono<Void> put(ShardExchange ex) {
        WireReader r = ex.body();
        PutCondition condition = WireCodec.readCondition(r);
        ObjectVersion version = WireCodec.readVersion(r);
        r.expectEnd();
        return shard.putVersion(version, condition, ex.boolParam("replaceNull"))
                .flatMap(prev -> ex.reply(w -> WireCodec.writeOptionalVersion(w, prev.orElse(null))));
    }

    Mono<Void> get(ShardExchange ex) {
        return shard.getVersion(ex.requiredParam("bucket"), ex.requiredParam("key"), ex.param("versionId"))
                .flatMap(v -> ex.reply(w -> WireCodec.writeOptionalVersion(w, v.orElse(null))));
    }

    Mono<Void> delete(ShardExchange ex) {
        return shard.deleteVersion(ex.requiredParam("bucket"), ex.requiredParam("key"), ex.param("versionId"))
                .flatMap(v -> ex.reply(w -> WireCodec.writeOptionalVersion(w, v.orElse(null))));
    }

    Mono<Void> list(ShardExchange ex) {
        ListRequest request = new ListRequest(ex.requiredParam("bucket"), ex.param("prefix"), ex.param("startAfter"),
                ex.param("startAfterVersion"), ex.param("delimiter"), ex.intParam("maxKeys", 1000),
                ex.boolParam("versions"));
        return shard.list(request).flatMap(page -> ex.reply(w -> WireCodec.writeListPage(w, page)));
    }
}
