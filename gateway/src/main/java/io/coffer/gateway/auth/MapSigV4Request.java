package io.coffer.gateway.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** {@link SigV4Request} over plain maps: used by tests, benchmarks and callers without a server request. */
record MapSigV4Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headerMap)
        implements SigV4Request {

    MapSigV4Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(headerMap, "headerMap");
    }

    static MapSigV4Request create(String method, String pathAndQuery, Map<String, List<String>> headers) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) ->
                lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        lower.replaceAll((k, v) -> List.copyOf(v));
        return new MapSigV4Request(method, path, query, Map.copyOf(lower));
    }

    @Override
    public Collection<String> headerNames() {
        return headerMap.keySet();
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = headerMap.get(name.toLowerCase(Locale.ROOT));
        return values == null ? List.of() : values;
    }
}
