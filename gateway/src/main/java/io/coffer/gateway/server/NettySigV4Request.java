package io.coffer.gateway.server;

import io.coffer.gateway.auth.SigV4Request;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Collection;
import java.util.List;

/** The SigV4 view of a Reactor Netty request: raw path and query exactly as sent, headers as received. */
record NettySigV4Request(String method, String rawPath, String rawQuery, HttpHeaders nettyHeaders)
        implements SigV4Request {

    static NettySigV4Request of(HttpMethod method, String uri, HttpHeaders headers) {
        int q = uri.indexOf('?');
        return new NettySigV4Request(method.name(), q < 0 ? uri : uri.substring(0, q),
                q < 0 ? "" : uri.substring(q + 1), headers);
    }

    @Override
    public List<String> headers(String name) {
        return nettyHeaders.getAll(name);
    }

    @Override
    public String header(String name) {
        return nettyHeaders.get(name);
    }

    /** Signature Version 2 signs every x-amz-* header, so it needs their names. */
    @Override
    public Collection<String> headerNames() {
        return nettyHeaders.names();
    }
}
