package org.nstcg.integrity.console.viewmodel;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes times and counts: "3 min ago", "14:05:09", "2026-05-02 14:05:09 CEST", "12,480". */
public final class DisplayFormats {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter ABSOLUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private DisplayFormats() {
    }

    /** How long before {@code now} {@code then} was, in words: "just now", "3 min ago", "5 h ago", "2 days ago". */
    public static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + " min ago";
        }
        if (d.toHours() < 24) {
            return d.toHours() + " h ago";
        }
        long days = d.toDays();
        return days == 1 ? "1 day ago" : days + " days ago";
    }

    /** "14:05:09" in the given zone. */
    public static String clockTime(Instant instant, ZoneId zone) {
        return CLOCK.format(instant.atZone(zone));
    }

    /** "14:05" in the given zone: when an outage began, say. */
    public static String minuteTime(Instant instant, ZoneId zone) {
        return MINUTE.format(instant.atZone(zone));
    }

    /** "2026-05-02 14:05:09 CEST" in the given zone. */
    public static String absolute(Instant instant, ZoneId zone) {
        return ABSOLUTE.format(instant.atZone(zone));
    }

    /** A period as set in the configuration: "1500 ms", "5 s", "2 min", "1 h". */
    public static String period(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    /** "12,480". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "1 alert", "3 alerts", "1,204 pairs": a count with its noun, singular for one ({@code plural} for any other). */
    public static String count(long n, String singular, String plural) {
        return count(n) + " " + (n == 1 ? singular : plural);
    }
}
