package io.coffer.gateway.s3;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * RFC 1123 dates as S3 writes them ({@code Mon, 12 Oct 2009 17:50:00 GMT}), for {@code Date} and
 * {@code Last-Modified} on every response. Written by hand because a {@code DateTimeFormatter} with a
 * pattern walks a chain of printer objects per field: in a profile of the 4 KiB GET it was about 3 % of
 * the request's CPU, for 29 fixed-width characters. {@link #now()} is formatted once per second.
 */
public final class HttpDate {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    /** Years before 1 or after 9999 (no clock gives them; a response never fails on a date). */
    private static final DateTimeFormatter OTHER_YEARS =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    /** The current second and its text, replaced together (one volatile reference). */
    private static volatile Stamp current = new Stamp(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    /** {@code epochMillis} (UTC, truncated to the second) in RFC 1123. */
    public static String format(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000L);
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        LocalDate d = LocalDate.ofEpochDay(days);
        int year = d.getYear();
        // "yyyy" is the year of the era: proleptic year 0 is 1 BC, printed as 0001 by the JDK
        if (year < 1 || year > 9999) {
            return OTHER_YEARS.format(Instant.ofEpochMilli(epochMillis));
        }
        char[] c = new char[29];
        put(c, 0, DAYS[d.getDayOfWeek().ordinal()]);
        c[3] = ',';
        c[4] = ' ';
        two(c, 5, d.getDayOfMonth());
        c[7] = ' ';
        put(c, 8, MONTHS[d.getMonthValue() - 1]);
        c[11] = ' ';
        two(c, 12, year / 100);
        two(c, 14, year % 100);
        c[16] = ' ';
        two(c, 17, secondOfDay / 3600);
        c[19] = ':';
        two(c, 20, secondOfDay / 60 % 60);
        c[22] = ':';
        two(c, 23, secondOfDay % 60);
        put(c, 25, " GMT");
        return new String(c);
    }

    /** Now, in RFC 1123; the text is made once per second and shared. */
    public static String now() {
        long millis = System.currentTimeMillis();
        long second = Math.floorDiv(millis, 1000L);
        Stamp s = current;
        if (s.second != second) {
            s = new Stamp(second, format(millis));
            current = s;
        }
        return s.text;
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }

    private static void put(char[] c, int at, String s) {
        s.getChars(0, s.length(), c, at);
    }

    private record Stamp(long second, String text) {
    }
}
