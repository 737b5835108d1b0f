package org.nstcg.integrity.console.viewmodel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The time range a history chart shows, and the part of it the user zoomed into: a look-back from now (last 15
 * minutes, hour, 24 hours, 7 days) or a custom from–to, then zoom in, out, to a dragged span, or reset. A shared piece
 * of the cache and overview screens' view-models; it holds state only and reads nothing.
 *
 * <p>Design notes. A look-back moves with the clock, a zoom does not: once the user zooms, the span they chose stays
 * put while new samples arrive after it (what Grafana does), until they zoom out past the range or reset. Every change
 * bumps {@link #versionProperty()}, so the owner re-reads its history once per change. The bucket a chart sums
 * samples over follows the visible span (about {@value #POINTS} points a line), so zooming shows finer detail than the
 * range as a whole; it is never finer than the history's own resolution.
 */
public final class ChartRange {

    /** About this many buckets across the visible span. */
    public static final int POINTS = 180;
    /** The narrowest span a zoom reaches. */
    public static final Duration MIN_SPAN = Duration.ofMinutes(2);
    /** The choices, the custom range last. */
    public static final List<TimeRange> CHOICES = List.of(TimeRange.LAST_15_MINUTES, TimeRange.LAST_HOUR, TimeRange.LAST_24_HOURS,
            TimeRange.LAST_7_DAYS, TimeRange.BETWEEN_DATES);
    /** How custom bounds are typed: "2026-12-04 14:00". */
    public static final DateTimeFormatter TYPED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final List<Duration> BUCKETS = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));

    private static final List<Duration> TICKS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));

    /** A span of time, from (inclusive) to (exclusive). */
    public record Span(Instant from, Instant to) {
        public Span {
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("a span ends after it starts: " + from + " – " + to);
            }
        }

        public Duration length() {
            return Duration.between(from, to);
        }
    }

    private final Clock clock;
    private final Duration resolution;
    private final ObjectProperty<TimeRange> range;
    private final StringProperty customFrom = new SimpleStringProperty("");
    private final StringProperty customTo = new SimpleStringProperty("");
    private final StringProperty customError = new SimpleStringProperty("");
    private final SimpleBooleanProperty zoomed = new SimpleBooleanProperty();
    private final SimpleLongProperty version = new SimpleLongProperty();
    private Span custom;
    private Span zoom;

    /**
     * @param initial    the range shown first (one of {@link #CHOICES})
     * @param resolution the history's finest grain (the sampling interval, say): no bucket is finer
     */
    public ChartRange(Clock clock, TimeRange initial, Duration resolution) {
        if (!CHOICES.contains(initial)) {
            throw new IllegalArgumentException("not a chart range: " + initial);
        }
        this.clock = clock;
        this.resolution = resolution;
        this.range = new SimpleObjectProperty<>(initial);
        Instant now = clock.instant();
        custom = new Span(now.minus(Duration.ofHours(1)), now);
        customFrom.set(TYPED.format(custom.from().atZone(zone())));
        customTo.set(TYPED.format(custom.to().atZone(zone())));
        range.addListener((obs, old, now2) -> {
            customError.set("");
            zoom = null;
            zoomed.set(false);
            changed();
        });
    }

    /** The chosen range's title as the picker shows it: "Last hour", "From – to…". */
    public static String title(TimeRange r) {
        return r == TimeRange.BETWEEN_DATES ? "From – to…" : r.title();
    }

    // Commands ---------------------------------------------------------------------------------------------------

    /** Uses the typed custom bounds, or says in {@link #customErrorProperty()} why they cannot be used. */
    public void applyCustom() {
        Optional<Instant> from = parse(customFrom.get());
        Optional<Instant> to = parse(customTo.get());
        if (from.isEmpty() || to.isEmpty()) {
            customError.set("Type both times as " + TYPED.format(clock.instant().atZone(zone())) + " (year-month-day hour:minute).");
            return;
        }
        if (!to.get().isAfter(from.get())) {
            customError.set("The end is not after the start; choose an end later than the start.");
            return;
        }
        if (Duration.between(from.get(), to.get()).compareTo(MIN_SPAN) < 0) {
            customError.set("Choose a range of at least " + MIN_SPAN.toMinutes() + " minutes.");
            return;
        }
        customError.set("");
        custom = new Span(from.get(), to.get());
        zoom = null;
        zoomed.set(false);
        if (range.get() == TimeRange.BETWEEN_DATES) {
            changed();
        } else {
            range.set(TimeRange.BETWEEN_DATES);
        }
    }

    /** Shows the middle half of what is shown now. */
    public void zoomIn() {
        Span v = visible();
        Duration quarter = v.length().dividedBy(4);
        zoomTo(v.from().plus(quarter), v.to().minus(quarter));
    }

    /** Shows twice what is shown now, around its middle; back to the whole range when that covers it. */
    public void zoomOut() {
        if (zoom == null) {
            return;
        }
        Span whole = whole();
        Span v = visible();
        Duration half = v.length().dividedBy(2);
        Instant from = v.from().minus(half);
        Instant to = v.to().plus(half);
        // Slide rather than cut, so the span keeps its doubled length where the range allows.
        if (from.isBefore(whole.from())) {
            to = min(whole.to(), to.plus(Duration.between(from, whole.from())));
            from = whole.from();
        } else if (to.isAfter(whole.to())) {
            from = max(whole.from(), from.minus(Duration.between(whole.to(), to)));
            to = whole.to();
        }
        if (!from.isAfter(whole.from()) && !to.isBefore(whole.to())) {
            resetZoom();
            return;
        }
        setZoom(new Span(from, to));
    }

    /** Shows the span between two instants (in either order) within the range, at least {@link #MIN_SPAN} wide. */
    public void zoomTo(Instant a, Instant b) {
        Span whole = whole();
        Instant from = max(whole.from(), min(a, b));
        Instant to = min(whole.to(), max(a, b));
        if (to.isAfter(from)) {
            // Onto whole ticks, so a dragged span reads 09:00 – 15:00 rather than 08:59:37 – 14:58:12.
            long tick = niceTick(Duration.between(from, to)).toMillis();
            from = max(whole.from(), Instant.ofEpochMilli(Math.floorDiv(from.toEpochMilli(), tick) * tick));
            to = min(whole.to(), Instant.ofEpochMilli(-Math.floorDiv(-to.toEpochMilli(), tick) * tick));
        }
        if (Duration.between(from, to).compareTo(MIN_SPAN) < 0) {
            Instant mid = from.plus(Duration.between(from, to).dividedBy(2));
            Duration half = MIN_SPAN.dividedBy(2);
            from = mid.minus(half);
            to = mid.plus(half);
            if (from.isBefore(whole.from())) {
                to = whole.from().plus(MIN_SPAN);
                from = whole.from();
            }
            if (to.isAfter(whole.to())) {
                from = max(whole.from(), whole.to().minus(MIN_SPAN));
                to = whole.to();
            }
        }
        if (!from.isAfter(whole.from()) && !to.isBefore(whole.to())) {
            resetZoom();
            return;
        }
        setZoom(new Span(from, to));
    }

    /** {@link #zoomTo(Instant, Instant)} in epoch seconds, as a chart's axis reports them. */
    public void zoomTo(double epochSecondA, double epochSecondB) {
        zoomTo(Instant.ofEpochMilli(Math.round(epochSecondA * 1000)), Instant.ofEpochMilli(Math.round(epochSecondB * 1000)));
    }

    /** Zooms to the part between two fractions (0 = left edge, 1 = right edge) of what is shown now: a drag on a sparkline. */
    public void zoomToFraction(double a, double b) {
        Span v = visible();
        long ms = v.length().toMillis();
        zoomTo(v.from().plusMillis(Math.round(ms * clamp01(a))), v.from().plusMillis(Math.round(ms * clamp01(b))));
    }

    private static double clamp01(double f) {
        return Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f));
    }

    /** Shows the whole range again. */
    public void resetZoom() {
        if (zoom != null) {
            zoom = null;
            zoomed.set(false);
            changed();
        }
    }

    private void setZoom(Span span) {
        if (span.equals(zoom)) {
            return;
        }
        zoom = span;
        zoomed.set(true);
        changed();
    }

    private void changed() {
        version.set(version.get() + 1);
    }

    // Queries ----------------------------------------------------------------------------------------------------

    /** The whole chosen range as of now. */
    public Span whole() {
        if (range.get() == TimeRange.BETWEEN_DATES) {
            return custom;
        }
        Instant now = clock.instant();
        return new Span(range.get().bounds(Clock.fixed(now, zone()), null, null).from().orElseThrow(), now);
    }

    /** What the chart shows now: the zoomed span, else the whole range. */
    public Span visible() {
        return zoom != null ? zoom : whole();
    }

    /** The bucket the visible span is summed over: about {@value #POINTS} a line, never finer than the resolution. */
    public Duration bucket() {
        Duration wanted = visible().length().dividedBy(POINTS);
        for (Duration b : BUCKETS) {
            if (b.compareTo(wanted) >= 0 && b.compareTo(resolution) >= 0) {
                return b;
            }
        }
        return BUCKETS.get(BUCKETS.size() - 1);
    }

    /**
     * The time axis' tick unit in seconds: six ticks across the whole range (its edges labelled), or a round unit
     * across a zoomed span (whose edges are whole ticks).
     */
    public double tickSeconds() {
        return zoom != null ? niceTick(zoom.length()).toSeconds() : visible().length().toMillis() / 6000.0;
    }

    /** The smallest round tick unit that gives at most eight ticks across {@code span}. */
    private static Duration niceTick(Duration span) {
        Duration wanted = span.dividedBy(8);
        for (Duration t : TICKS) {
            if (t.compareTo(wanted) >= 0) {
                return t;
            }
        }
        return TICKS.get(TICKS.size() - 1);
    }

    /** A tick label: "14:05:30" in a span of minutes, "14:05" within a day, "12-04 14:00" beyond. */
    public String timeLabel(double epochSecond) {
        Duration span = visible().length();
        String pattern = span.compareTo(Duration.ofMinutes(10)) <= 0 ? "HH:mm:ss"
                : span.compareTo(Duration.ofDays(1)) <= 0 ? "HH:mm" : "MM-dd HH:mm";
        return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(Instant.ofEpochMilli(Math.round(epochSecond * 1000)).atZone(zone()));
    }

    /** A label for an edge of the visible span: "14:05", or "12-03 14:05" when the span crosses midnight. */
    public String edgeLabel(Instant at) {
        Span v = visible();
        boolean oneDay = v.from().atZone(zone()).toLocalDate().equals(v.to().minusMillis(1).atZone(zone()).toLocalDate());
        return DateTimeFormatter.ofPattern(oneDay ? "HH:mm" : "MM-dd HH:mm", Locale.ROOT).format(at.atZone(zone()));
    }

    /** What is shown, in words: "14:05 – 15:05 (the last hour)", "Zoomed to 14:20 – 14:35 of the last hour". */
    public String describe() {
        Span v = visible();
        String shown = describe(v);
        String of = range.get() == TimeRange.BETWEEN_DATES ? describe(custom) : range.get().title().toLowerCase(Locale.ROOT);
        return zoom != null ? "Zoomed to " + shown + " of " + of : shown + (range.get() == TimeRange.BETWEEN_DATES ? "" : " (" + of + ")");
    }

    private String describe(Span s) {
        boolean sameDay = s.from().atZone(zone()).toLocalDate().equals(s.to().atZone(zone()).toLocalDate());
        boolean today = s.to().atZone(zone()).toLocalDate().equals(clock.instant().atZone(zone()).toLocalDate());
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
        DateTimeFormatter day = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT);
        DateTimeFormatter f = sameDay && today ? time : day;
        return f.format(s.from().atZone(zone())) + " – " + (sameDay ? time : day).format(s.to().atZone(zone()));
    }

    /**
     * What a chart says when its history starts inside the visible span: "No samples before 14:02" (the minute of the
     * first sample), or empty when the history covers the span.
     *
     * @param first the first stored sample inside the visible span, or empty when there is none
     */
    public Optional<String> gapBefore(Optional<Instant> first) {
        Span v = visible();
        if (first.isEmpty() || Duration.between(v.from(), first.get()).compareTo(bucket().multipliedBy(2)) <= 0) {
            return Optional.empty();
        }
        DateTimeFormatter f = DateTimeFormatter.ofPattern(v.length().compareTo(Duration.ofDays(1)) > 0 ? "MM-dd HH:mm" : "HH:mm", Locale.ROOT);
        return Optional.of("No samples before " + f.format(first.get().atZone(zone())));
    }

    private Optional<Instant> parse(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text == null ? "" : text.strip(), TYPED).atZone(zone()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private ZoneId zone() {
        return clock.getZone();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    // Properties -------------------------------------------------------------------------------------------------

    public List<TimeRange> choices() {
        return CHOICES;
    }

    public ObjectProperty<TimeRange> rangeProperty() {
        return range;
    }

    /** The custom range's start as typed: "2026-12-04 14:00". */
    public StringProperty customFromProperty() {
        return customFrom;
    }

    public StringProperty customToProperty() {
        return customTo;
    }

    /** Why the typed custom range cannot be used; empty when it can. */
    public ReadOnlyStringProperty customErrorProperty() {
        return customError;
    }

    public ReadOnlyBooleanProperty zoomedProperty() {
        return zoomed;
    }

    /** Bumped on every change of range or zoom. */
    public ReadOnlyLongProperty versionProperty() {
        return version;
    }
}
