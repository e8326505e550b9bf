package io.coffer.gateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request of the aws-sig-v4-test-suite, read from test resources (sigv4/suite/NAME.req and .authz). */
record SuiteRequest(String name, String method, String target, Map<String, List<String>> headers, byte[] body,
                    String authorization) {

    static SuiteRequest load(String name) {
        String req = resource("sigv4/suite/" + name + ".req");
        String authz = resource("sigv4/suite/" + name + ".authz").trim();
        int blank = req.indexOf("\n\n");
        String head = blank < 0 ? req : req.substring(0, blank);
        String body = blank < 0 ? "" : req.substring(blank + 2);
        String[] lines = head.split("\n");
        String requestLine = lines[0];
        String method = requestLine.substring(0, requestLine.indexOf(' '));
        String target = requestLine.substring(method.length() + 1, requestLine.lastIndexOf(" HTTP/1.1"));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1));
        }
        return new SuiteRequest(name, method, target, headers, body.getBytes(StandardCharsets.UTF_8), authz);
    }

    SigV4Request toRequest() {
        return SigV4Request.of(method, target, headers);
    }

    String signedHeadersLine() {
        int start = authorization.indexOf("SignedHeaders=") + "SignedHeaders=".length();
        return authorization.substring(start, authorization.indexOf(',', start));
    }

    String signature() {
        return authorization.substring(authorization.indexOf("Signature=") + "Signature=".length());
    }

    private static String resource(String path) {
        try (InputStream in = SuiteRequest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
