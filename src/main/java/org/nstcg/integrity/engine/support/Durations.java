package org.nstcg.integrity.engine.support;

import java.time.Duration;

/** Formats durations for people: "850 ms", "4.2 s", "3 min 5 s". */
public final class Durations {

    private Durations() {
    }

    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = d.toSeconds();
        return (s / 60) + " min " + (s % 60) + " s";
    }
}
