package io.coffer.shard.server;

import io.coffer.shard.api.ShardException;
import io.coffer.shard.wire.WireFormat;
import io.coffer.shard.wire.WireReader;
import io.coffer.shard.wire.WireWriter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** One authenticated request: its route, decoded query, verified metadata body, and the response. */
final class ShardExchange {
    final HttpServerRequest request;
    final HttpServerResponse response;
    final ShardRoute route;
    final ServerCounters counters;
    private final Map<String, List<String>> query;
    private final byte[] body;

    ShardExchange(HttpServerRequest request, HttpServerResponse response, ShardRoute route, byte[] body,
                  ServerCounters counters) {
        this.request = request;
        this.response = response;
        this.route = route;
        this.body = body;
        this.counters = counters;
        // '+' stays '+': the client percent-encodes spaces
        this.query = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8, true, 1024, true).parameters();
    }

    String path() {
        String uri = request.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** A query parameter, or null. */
    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    String requiredParam(String name) {
        String v = param(name);
        if (v == null) {
            throw invalid("missing query parameter " + name);
        }
        return v;
    }

    long longParam(String name, long dflt) {
        String v = param(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid("bad number in " + name);
        }
    }

    int intParam(String name, int dflt) {
        long v = longParam(name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw invalid("number out of range in " + name);
        }
        return (int) v;
    }

    boolean boolParam(String name) {
        String v = param(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw invalid("bad boolean in " + name);
    }

    /** The declared Content-Length, -1 if absent; a malformed value is INVALID_ARGUMENT. */
    static long contentLength(HttpServerRequest request) {
        String v = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw invalid("bad Content-Length");
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid("bad Content-Length");
        }
    }

    WireReader body() {
        if (body == null || body.length == 0) {
            throw invalid("request body required");
        }
        return new WireReader(body);
    }

    byte[] rawBody() {
        return body == null ? new byte[0] : body;
    }

    Mono<Void> reply(Consumer<WireWriter> encode) {
        WireWriter w = new WireWriter();
        encode.accept(w);
        return replyBytes(w.toByteArray());
    }

    Mono<Void> replyBytes(byte[] bytes) {
        counters.bytesOut.add(bytes.length);
        return response.status(200)
                .header(HttpHeaderNames.CONTENT_TYPE, WireFormat.CONTENT_TYPE)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
                .sendByteArray(Mono.just(bytes)).then();
    }

    Mono<Void> replyEmpty() {
        return response.status(204).send();
    }

    static ShardException invalid(String message) {
        return new ShardException(ShardException.Code.INVALID_ARGUMENT, message);
    }
}
