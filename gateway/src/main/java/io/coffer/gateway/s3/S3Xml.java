package io.coffer.gateway.s3;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A tiny writer for S3's XML responses: elements and escaped text, nothing else. S3 documents
 * are small and flat; a streaming writer keeps allocation to one StringBuilder.
 *
 * <pre>{@code
 * String xml = S3Xml.document("LocationConstraint").text("eu-west-1").end().toXml();
 * }</pre>
 */
public final class S3Xml {
    public static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    /** ISO-8601 with milliseconds, as S3 writes LastModified/CreationDate in XML. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private final StringBuilder sb = new StringBuilder(256);
    private final Deque<String> open = new ArrayDeque<>();

    private S3Xml() {
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }

    /** A document whose root element carries the S3 namespace. */
    public static S3Xml document(String root) {
        S3Xml x = new S3Xml();
        x.sb.append('<').append(root).append(" xmlns=\"").append(NAMESPACE).append("\">");
        x.open.push(root);
        return x;
    }

    /** A document whose root element has no namespace (S3's {@code <Error>}). */
    public static S3Xml bareDocument(String root) {
        S3Xml x = new S3Xml();
        x.sb.append('<').append(root).append('>');
        x.open.push(root);
        return x;
    }

    public S3Xml start(String name) {
        sb.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    /** Starts an element with one attribute, e.g. {@code Grantee xsi:type}. */
    public S3Xml start(String name, String attributes) {
        sb.append('<').append(name).append(' ').append(attributes).append('>');
        open.push(name);
        return this;
    }

    public S3Xml end() {
        sb.append("</").append(open.pop()).append('>');
        return this;
    }

    /** {@code <name>text</name>}; a null value writes nothing at all. */
    public S3Xml element(String name, Object value) {
        if (value == null) {
            return this;
        }
        sb.append('<').append(name).append('>');
        escape(String.valueOf(value));
        sb.append("</").append(name).append('>');
        return this;
    }

    /** {@code <name>2009-10-12T17:50:30.000Z</name>} */
    public S3Xml timestamp(String name, long epochMillis) {
        return element(name, isoMillis(epochMillis));
    }

    public S3Xml text(String value) {
        escape(value);
        return this;
    }

    public String toXml() {
        while (!open.isEmpty()) {
            end();
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toXml();
    }

    /** ISO-8601 UTC with exactly three fraction digits, as S3 prints it. */
    public static String isoMillis(long epochMillis) {
        Instant t = Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.MILLIS);
        String s = ISO.format(t);
        // ISO_INSTANT drops a zero fraction; S3 always prints .SSS
        if (s.indexOf('.') < 0) {
            return s.substring(0, s.length() - 1) + ".000Z";
        }
        int frac = s.length() - s.indexOf('.') - 2;
        return frac >= 3 ? s : s.substring(0, s.length() - 1) + "0".repeat(3 - frac) + "Z";
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\r' -> sb.append("&#13;");
                default -> {
                    // control characters other than tab/newline are not legal XML 1.0; S3 keys can hold
                    // them, so write them as character references (clients should use encoding-type=url)
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        sb.append("&#").append((int) c).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
