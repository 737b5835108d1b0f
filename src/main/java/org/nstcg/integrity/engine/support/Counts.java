package org.nstcg.integrity.engine.support;

/** Counts in words for the engine's own sentences: "1 point", "30 points", never "point(s)" (issue 15 §4). */
public final class Counts {

    private Counts() {
    }

    /** {@code n} with its noun: {@code singular} for one, {@code plural} for any other number. */
    public static String of(long n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
