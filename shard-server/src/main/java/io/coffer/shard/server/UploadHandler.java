package io.coffer.shard.server;

import io.coffer.shard.api.MultipartUpload;
import io.coffer.shard.api.ObjectVersion;
import io.coffer.shard.api.PutCondition;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.UploadPart;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireReader;
import reactor.core.publisher.Mono;

/** Multipart upload routes. */
final class UploadHandler {
    private final Shard shard;

    UploadHandler(Shard shard) {
        this.shard = shard;
    }

    Mono<Void> create(ShardExchange ex) {
        WireReader r = ex.body();
        MultipartUpload upload = WireCodec.readUpload(r);
        r.expectEnd();
        return shard.createUpload(upload).then(ex.replyEmpty());
    }

    Mono<Void> get(ShardExchange ex) {
        return shard.getUpload(ex.requiredParam("bucket"), ex.requiredParam("key"), ex.requiredParam("uploadId"))
                .flatMap(u -> ex.reply(w -> {
                    w.writeBoolean(u.isPresent());
                    u.ifPresent(v -> WireCodec.writeUpload(w, v));
                }));
    }

    Mono<Void> abort(ShardExchange ex) {
        return shard.abortUpload(ex.requiredParam("bucket"), ex.requiredParam("key"), ex.requiredParam("uploadId"))
                .then(ex.replyEmpty());
    }

    /** Body: condition then version; query uploadId, replaceNull. */
    Mono<Void> complete(ShardExchange ex) {
        WireReader r = ex.body();
        PutCondition condition = WireCodec.readCondition(r);
        ObjectVersion version = WireCodec.readVersion(r);
        r.expectEnd();
        return shard.completeUpload(ex.requiredParam("uploadId"), version, condition, ex.boolParam("replaceNull"))
                .flatMap(prev -> ex.reply(w -> WireCodec.writeOptionalVersion(w, prev.orElse(null))));
    }

    Mono<Void> putPart(ShardExchange ex) {
        WireReader r = ex.body();
        UploadPart part = WireCodec.readPart(r);
        r.expectEnd();
        return shard.putPart(ex.requiredParam("bucket"), ex.requiredParam("key"), part).then(ex.replyEmpty());
    }

    Mono<Void> listParts(ShardExchange ex) {
        return shard.listParts(ex.requiredParam("bucket"), ex.requiredParam("key"), ex.requiredParam("uploadId"),
                        ex.intParam("marker", 0), ex.intParam("max", 1000))
                .flatMap(parts -> ex.reply(w -> {
                    w.writeInt(parts.size());
                    parts.forEach(p -> WireCodec.writePart(w, p));
                }));
    }

    Mono<Void> listUploads(ShardExchange ex) {
        return shard.listUploads(ex.requiredParam("bucket"), ex.param("prefix"), ex.param("keyMarker"),
                        ex.param("uploadIdMarker"), ex.intParam("max", 1000))
                .flatMap(uploads -> ex.reply(w -> {
                    w.writeInt(uploads.size());
                    uploads.forEach(u -> WireCodec.writeUpload(w, u));
                }));
    }
}
