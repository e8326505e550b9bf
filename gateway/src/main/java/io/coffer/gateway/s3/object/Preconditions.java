package io.coffer.gateway.s3.object;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Conditional request headers evaluated against an object's ETag and Last-Modified, with S3's (RFC
 * 7232's) precedence: If-Match decides over If-Unmodified-Since, If-None-Match over
 * If-Modified-Since, and a failed If-Match / If-Unmodified-Since (412) wins over a 304.
 *
 * @param ifMatch           raw header value or null
 * @param ifNoneMatch       raw header value or null
 * @param ifModifiedSince   raw HTTP date or null (an unparseable date is ignored, as S3 does)
 * @param ifUnmodifiedSince raw HTTP date or null
 */
public record Preconditions(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {

    public enum Outcome { PROCEED, NOT_MODIFIED, PRECONDITION_FAILED }

    public static final Preconditions NONE = new Preconditions(null, null, null, null);

    public boolean isEmpty() {
        return ifMatch == null && ifNoneMatch == null && ifModifiedSince == null && ifUnmodifiedSince == null;
    }

    /** For GET and HEAD: failures of If-None-Match / If-Modified-Since answer 304. */
    public Outcome evaluate(String etag, long lastModifiedMillis) {
        return evaluate(etag, lastModifiedMillis, Outcome.NOT_MODIFIED);
    }

    /**
     * For the x-amz-copy-source-if-* headers of CopyObject / UploadPartCopy: every failure is 412.
     */
    public Outcome evaluateForCopy(String etag, long lastModifiedMillis) {
        return evaluate(etag, lastModifiedMillis, Outcome.PRECONDITION_FAILED);
    }

    private Outcome evaluate(String etag, long lastModifiedMillis, Outcome notModified) {
        long lastModifiedSeconds = Math.floorDiv(lastModifiedMillis, 1000);
        if (ifMatch != null) {
            if (!etagListMatches(ifMatch, etag)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else if (ifUnmodifiedSince != null) {
            Long since = parseDate(ifUnmodifiedSince);
            if (since != null && lastModifiedSeconds > since) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        if (ifNoneMatch != null) {
            if (etagListMatches(ifNoneMatch, etag)) {
                return notModified;
            }
        } else if (ifModifiedSince != null) {
            Long since = parseDate(ifModifiedSince);
            if (since != null && lastModifiedSeconds <= since) {
                return notModified;
            }
        }
        return Outcome.PROCEED;
    }

    /** Whether a comma-separated list of (quoted or bare, possibly weak) ETags or "*" names {@code etag}. */
    static boolean etagListMatches(String header, String etag) {
        String want = unquote(etag);
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (unquote(c).equals(want)) {
                return true;
            }
        }
        return false;
    }

    static String unquote(String etag) {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** Epoch seconds of an RFC 1123 date, or null when it does not parse. */
    static Long parseDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
