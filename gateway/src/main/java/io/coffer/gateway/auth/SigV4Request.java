package io.coffer.gateway.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The parts of an HTTP request that SigV4 verification reads, independent of any server framework. The
 * gateway adapts its Reactor Netty request to this; tests build one with {@link #of}.
 */
public interface SigV4Request {

    /** HTTP method, upper case ("GET"). */
    String method();

    /** Request path exactly as sent on the wire, still percent-encoded, without the query ("/b/a%20b"). */
    String rawPath();

    /** Query string exactly as sent, without the leading '?'; empty when there is none. */
    String rawQuery();

    /** All values of a header, looked up case-insensitively, in arrival order; empty when absent. */
    List<String> headers(String name);

    /** First value of a header, or null. */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * Names of all headers present, in any case; Signature Version 2 signs every x-amz-* header, so it needs
     * them. Null when the view cannot list its headers: V2 requests are then refused with InvalidRequest.
     */
    default Collection<String> headerNames() {
        return null;
    }

    /** Host the client addressed (the Host header, or :authority for HTTP/2). */
    default String host() {
        return header("host");
    }

    /**
     * A request from plain values. {@code pathAndQuery} is the raw request target ("/b/k?x=1"); header names
     * are matched case-insensitively.
     */
    static SigV4Request of(String method, String pathAndQuery, Map<String, List<String>> headers) {
        return MapSigV4Request.create(method, pathAndQuery, headers);
    }
}
