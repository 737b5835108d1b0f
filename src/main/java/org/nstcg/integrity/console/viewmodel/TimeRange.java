package org.nstcg.integrity.console.viewmodel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A time filter as a screen offers it: a look-back from now, or whole days between two dates in the user's zone.
 * Used by the sagas and audit screens.
 */
public enum TimeRange {
    ANY_TIME("Any time", null),
    LAST_15_MINUTES("Last 15 minutes", Duration.ofMinutes(15)),
    LAST_HOUR("Last hour", Duration.ofHours(1)),
    LAST_24_HOURS("Last 24 hours", Duration.ofHours(24)),
    LAST_7_DAYS("Last 7 days", Duration.ofDays(7)),
    LAST_30_DAYS("Last 30 days", Duration.ofDays(30)),
    BETWEEN_DATES("Between dates…", null);

    private final String title;
    private final Duration lookBack;

    TimeRange(String title, Duration lookBack) {
        this.title = title;
        this.lookBack = lookBack;
    }

    public String title() {
        return title;
    }

    @Override
    public String toString() {
        return title;
    }

    /** The time bounds [from, to) this choice means now; dates are used only by {@link #BETWEEN_DATES}. */
    public Bounds bounds(Clock clock, LocalDate fromDate, LocalDate toDate) {
        if (lookBack != null) {
            return new Bounds(Optional.of(clock.instant().minus(lookBack)), Optional.empty());
        }
        if (this == BETWEEN_DATES) {
            return new Bounds(Optional.ofNullable(fromDate).map(d -> d.atStartOfDay(clock.getZone()).toInstant()),
                    Optional.ofNullable(toDate).map(d -> d.plusDays(1).atStartOfDay(clock.getZone()).toInstant()));
        }
        return new Bounds(Optional.empty(), Optional.empty());
    }

    /**
     * Why the dates cannot be used, or empty when they can.
     */
    public static Optional<String> problem(TimeRange range, LocalDate fromDate, LocalDate toDate) {
        if (range == BETWEEN_DATES && fromDate != null && toDate != null && fromDate.isAfter(toDate)) {
            return Optional.of("The first date is after the second; choose a first date on or before the second.");
        }
        return Optional.empty();
    }

    /** From (inclusive) and to (exclusive); empty means open. */
    public record Bounds(Optional<Instant> from, Optional<Instant> to) {
    }
}
