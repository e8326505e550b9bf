package io.coffer.shard.server;

import io.coffer.shard.api.SectorId;
import io.coffer.shard.api.SectorInfo;
import io.coffer.shard.api.Shard;
import io.coffer.shard.api.ShardException;
import io.coffer.shard.api.ShardException.Code;
import io.coffer.shard.wire.BodyMac;
import io.coffer.shard.wire.ClusterSecret;
import io.coffer.shard.wire.WireCodec;
import io.coffer.shard.wire.WireFormat;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;

/** Sector routes: streaming PUT, ranged GET (zero-copy when the engine offers regions), HEAD, DELETE. */
final class SectorHandler {
    private final Shard shard;
    private final SectorRegionSource regions;
    private final ClusterSecret secret;

    SectorHandler(Shard shard, SectorRegionSource regions, ClusterSecret secret) {
        this.shard = shard;
        this.regions = regions;
        this.secret = secret;
    }

    /** Query length=N; Content-Length must be N + the trailer, so the body's end is known up front. */
    Mono<Void> put(ShardExchange ex) {
        SectorId id = sectorId(ex);
        long length = ex.longParam("length", -1);
        if (length < 0) {
            throw ShardExchange.invalid("length required");
        }
        long contentLength = ShardExchange.contentLength(ex.request);
        if (contentLength < 0) {
            throw ShardExchange.invalid("Content-Length required");
        }
        if (contentLength != length + BodyMac.LENGTH) {
            throw ShardExchange.invalid("Content-Length " + contentLength + " does not match length " + length);
        }
        ex.counters.bytesIn.add(length);
        SectorBody body = new SectorBody(length, secret, ex.request.requestHeaders().get(WireFormat.AUTHORIZATION_HEADER));
        return shard.putSector(id, length, body.sectorBytes(ex.request.receive()))
                .flatMap(info -> ex.reply(w -> WireCodec.writeSectorInfo(w, info)));
    }

    /** Query offset (default 0) and length (default -1: to the end). Answers 200 with exactly those bytes. */
    Mono<Void> get(ShardExchange ex) {
        SectorId id = sectorId(ex);
        long offset = ex.longParam("offset", 0);
        long length = ex.longParam("length", -1);
        if (regions != null) {
            // one engine hop: the region both validates the range and knows its length
            return regions.region(id, offset, length).flatMap(region -> {
                long n = region.count();
                ex.counters.bytesOut.add(n);
                ex.counters.zeroCopyReads.increment();
                ex.response.status(200)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                        .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(n));
                return ex.response.sendObject(region).then();
            });
        }
        return shard.sectorInfo(id).flatMap(found -> {
            SectorInfo info = found.orElseThrow(() -> new ShardException(Code.NO_SUCH_SECTOR, "no sector " + id));
            long n = checkRange(info, offset, length);
            ex.counters.bytesOut.add(n);
            ex.counters.streamedReads.increment();
            ex.response.status(200)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                    .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(n));
            return n == 0 ? ex.response.send() : ex.response.send(shard.readSector(id, offset, n)).then();
        });
    }

    /** 200 with the sector's length, CRC32C and state in headers; 404 without an error header if absent. */
    Mono<Void> info(ShardExchange ex) {
        SectorId id = sectorId(ex);
        return shard.sectorInfo(id).flatMap(found -> {
            if (found.isEmpty()) {
                return ex.response.status(404).header(HttpHeaderNames.CONTENT_LENGTH, "0").send();
            }
            SectorInfo info = found.get();
            return ex.response.status(200)
                    .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                    .header(WireFormat.SECTOR_LENGTH_HEADER, Long.toString(info.length()))
                    .header(WireFormat.SECTOR_CRC32C_HEADER, Integer.toUnsignedString(info.crc32c()))
                    .header(WireFormat.SECTOR_COMMITTED_HEADER, Boolean.toString(info.committed()))
                    .send();
        });
    }

    Mono<Void> delete(ShardExchange ex) {
        return shard.deleteSector(sectorId(ex)).then(ex.replyEmpty());
    }

    /** The number of bytes to send, or INVALID_ARGUMENT for a range outside the sector. */
    static long checkRange(SectorInfo info, long offset, long length) {
        if (offset < 0 || offset > info.length()) {
            throw ShardExchange.invalid("offset " + offset + " outside sector of " + info.length() + " bytes");
        }
        if (length == -1) {
            return info.length() - offset;
        }
        if (length < 0 || length > info.length() - offset) {
            throw ShardExchange.invalid("range " + offset + "+" + length + " past the end of " + info.length() + " bytes");
        }
        return length;
    }

    private static SectorId sectorId(ShardExchange ex) {
        try {
            return SectorId.parse(ex.path().substring(ShardRoute.SECTORS_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw ShardExchange.invalid("bad sector id");
        }
    }
}
