package io.coffer.gateway.auth;

import java.util.Objects;

/**
 * The Credential element of a SigV4 signature, "AKID/20130524/us-east-1/s3/aws4_request".
 */
record CredentialScope(String accessKey, String date, String region, String service) {

    CredentialScope {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(service, "service");
    }

    /** "20130524/us-east-1/s3/aws4_request": the scope line of the string to sign. */
    String scope() {
        return date + '/' + region + '/' + service + "/aws4_request";
    }

    /**
     * Parses the credential; null when it does not have the five parts with a yyyyMMdd date and the
     * aws4_request terminator.
     */
    static CredentialScope parse(String credential) {
        if (credential == null) {
            return null;
        }
        // The access key is everything before the last four parts, so split from the right.
        int p4 = credential.lastIndexOf('/');
        int p3 = p4 <= 0 ? -1 : credential.lastIndexOf('/', p4 - 1);
        int p2 = p3 <= 0 ? -1 : credential.lastIndexOf('/', p3 - 1);
        int p1 = p2 <= 0 ? -1 : credential.lastIndexOf('/', p2 - 1);
        if (p1 <= 0) {
            return null;
        }
        String accessKey = credential.substring(0, p1);
        String date = credential.substring(p1 + 1, p2);
        String region = credential.substring(p2 + 1, p3);
        String service = credential.substring(p3 + 1, p4);
        String terminator = credential.substring(p4 + 1);
        if (!"aws4_request".equals(terminator) || region.isEmpty() || service.isEmpty() || !isDate(date)) {
            return null;
        }
        return new CredentialScope(accessKey, date, region, service);
    }

    private static boolean isDate(String s) {
        if (s.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
