package io.coffer.gateway.auth;

import java.util.List;

/**
 * A parsed "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header. Parsing is strict:
 * exactly these three components, each once, a well-formed credential and a 64-hex-digit signature.
 */
record AuthorizationHeader(CredentialScope credential, List<String> signedHeaders, String signedHeadersLine,
                           String signature) {

    private static final String PREFIX = CanonicalRequest.ALGORITHM + " ";
    private static final String V2_PREFIX = "AWS ";

    static AuthorizationHeader parse(String header) {
        String value = header.trim();
        if (value.startsWith(V2_PREFIX)) {
            throw AuthException.invalidRequest("The authorization mechanism you have provided is not supported. "
                    + "Please use AWS4-HMAC-SHA256.");
        }
        if (!value.startsWith(PREFIX)) {
            throw AuthException.invalidArgument("Unsupported Authorization Type");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        String rest = value.substring(PREFIX.length());
        int start = 0;
        while (start < rest.length()) {
            int comma = rest.indexOf(',', start);
            int end = comma < 0 ? rest.length() : comma;
            String part = rest.substring(start, end).trim();
            start = end + 1;
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw malformedComponents();
            }
            String key = part.substring(0, eq);
            String val = part.substring(eq + 1);
            switch (key) {
                case "Credential" -> {
                    if (credential != null) {
                        throw malformedComponents();
                    }
                    credential = val;
                }
                case "SignedHeaders" -> {
                    if (signedHeaders != null) {
                        throw malformedComponents();
                    }
                    signedHeaders = val;
                }
                case "Signature" -> {
                    if (signature != null) {
                        throw malformedComponents();
                    }
                    signature = val;
                }
                default -> throw malformedComponents();
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw malformedComponents();
        }
        CredentialScope scope = CredentialScope.parse(credential);
        if (scope == null) {
            throw AuthException.headerMalformed("the Credential is mal-formed; expecting "
                    + "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        List<String> names = SigV4Verifier.splitSignedHeaders(signedHeaders);
        if (names == null) {
            throw AuthException.headerMalformed("the SignedHeaders component is mal-formed.");
        }
        if (!SigningCrypto.isLowerHex(signature, 64)) {
            throw AuthException.headerMalformed("the Signature component is mal-formed.");
        }
        return new AuthorizationHeader(scope, names, signedHeaders, signature);
    }

    private static AuthException malformedComponents() {
        return AuthException.headerMalformed("the authorization header requires three components: Credential, "
                + "SignedHeaders, and Signature.");
    }
}
