package io.coffer.gateway.auth;

import java.util.Objects;

/**
 * An authentication or body-integrity failure, carrying the exact S3 error code ("SignatureDoesNotMatch")
 * and HTTP status; the gateway's error mapper turns the code into its S3Error. Messages are S3's wording
 * and never contain secrets.
 */
public final class AuthException extends RuntimeException {

    private final String code;
    private final int status;

    public AuthException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.status = status;
    }

    /** S3 error code, e.g. "SignatureDoesNotMatch". */
    public String code() {
        return code;
    }

    /** HTTP status, e.g. 403. */
    public int status() {
        return status;
    }

    static AuthException accessDenied(String message) {
        return new AuthException("AccessDenied", 403, message);
    }

    static AuthException signatureDoesNotMatch() {
        return new AuthException("SignatureDoesNotMatch", 403,
                "The request signature we calculated does not match the signature you provided. "
                        + "Check your key and signing method.");
    }

    static AuthException invalidAccessKeyId() {
        return new AuthException("InvalidAccessKeyId", 403,
                "The AWS Access Key Id you provided does not exist in our records.");
    }

    static AuthException requestTimeTooSkewed() {
        return new AuthException("RequestTimeTooSkewed", 403,
                "The difference between the request time and the current time is too large.");
    }

    static AuthException headerMalformed(String detail) {
        return new AuthException("AuthorizationHeaderMalformed", 400,
                "The authorization header is malformed; " + detail);
    }

    static AuthException queryMalformed(String message) {
        return new AuthException("AuthorizationQueryParametersError", 400, message);
    }

    static AuthException invalidRequest(String message) {
        return new AuthException("InvalidRequest", 400, message);
    }

    static AuthException invalidArgument(String message) {
        return new AuthException("InvalidArgument", 400, message);
    }

    static AuthException incompleteBody() {
        return new AuthException("IncompleteBody", 400,
                "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    }
}
