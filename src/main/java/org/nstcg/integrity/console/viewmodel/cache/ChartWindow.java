package org.nstcg.integrity.console.viewmodel.cache;

import java.time.Duration;

/** How far back the divergence chart looks, and the bucket its points sum samples over (about 100 points a line). */
public enum ChartWindow {
    MINUTES_15("15 min", Duration.ofMinutes(15), Duration.ofSeconds(10), "the last 15 minutes"),
    HOUR_1("1 h", Duration.ofHours(1), Duration.ofSeconds(30), "the last hour"),
    HOURS_6("6 h", Duration.ofHours(6), Duration.ofMinutes(3), "the last 6 hours"),
    HOURS_24("24 h", Duration.ofHours(24), Duration.ofMinutes(15), "the last 24 hours"),
    DAYS_7("7 days", Duration.ofDays(7), Duration.ofHours(1), "the last 7 days");

    private final String label;
    private final Duration length;
    private final Duration bucket;
    private final String phrase;

    ChartWindow(String label, Duration length, Duration bucket, String phrase) {
        this.label = label;
        this.length = length;
        this.bucket = bucket;
        this.phrase = phrase;
    }

    /** "1 h": the choice's label. */
    public String label() {
        return label;
    }

    public Duration length() {
        return length;
    }

    public Duration bucket() {
        return bucket;
    }

    /** "the last hour", for sentences. */
    public String phrase() {
        return phrase;
    }

    @Override
    public String toString() {
        return label;
    }
}
