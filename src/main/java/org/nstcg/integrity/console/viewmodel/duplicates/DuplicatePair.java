package org.nstcg.integrity.console.viewmodel.duplicates;

import java.util.Locale;

/**
 * One row of the Duplicates screen: an alert of the integrity checks, or an exact or likely pair, as display text.
 *
 * @param mergeable whether both sides are active users, so the pair can be merged here
 */
public record DuplicatePair(Kind kind, double score, Side left, Side right, String reasons, boolean mergeable) {

    /** Where the pair comes from. */
    public enum Kind {
        ALERT("Alert"), EXACT("Exact"), LIKELY("Likely");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One side: a user, or a legacy row held at import (no user id). */
    public record Side(Long userId, String label, String email, String name, String status) {

        /** "user 7 · ada@gmail.com · Ada Lovelace". */
        public String summary() {
            StringBuilder b = new StringBuilder(label);
            if (email != null && !email.isEmpty()) {
                b.append(" · ").append(email);
            }
            if (name != null && !name.isEmpty()) {
                b.append(" · ").append(name);
            }
            return b.toString();
        }
    }

    public String scoreText() {
        return String.format(Locale.ROOT, "%.2f", score);
    }

    /** Whether the filter text appears anywhere in the row (case-insensitive). */
    public boolean mentions(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return (left.summary() + " " + right.summary() + " " + reasons + " " + left.status() + " " + right.status())
                .toLowerCase(Locale.ROOT).contains(t);
    }
}
