package org.nstcg.integrity.console.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.MutableClock;

/** A history chart's range and zoom (issue 15 §5), without a stage. */
class ChartRangeTest {

    private static final Instant NOW = Instant.parse("2026-12-04T15:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final ChartRange range = new ChartRange(clock, TimeRange.LAST_HOUR, Duration.ofSeconds(10));

    @Test
    void aLookBackEndsNowAndMovesWithTheClock() {
        assertThat(range.visible()).isEqualTo(new ChartRange.Span(NOW.minus(Duration.ofHours(1)), NOW));
        assertThat(range.bucket()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(5));
        assertThat(range.visible().to()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        range.rangeProperty().set(TimeRange.LAST_7_DAYS);
        assertThat(range.visible().length()).isEqualTo(Duration.ofDays(7));
        assertThat(range.bucket()).isEqualTo(Duration.ofHours(1));
        assertThat(range.timeLabel(NOW.getEpochSecond())).isEqualTo("12-04 15:00");
    }

    @Test
    void zoomInHalvesAroundTheMiddleAndZoomOutGoesBackToTheWholeRange() {
        long before = range.versionProperty().get();
        range.zoomIn();
        assertThat(range.visible()).isEqualTo(new ChartRange.Span(NOW.minus(Duration.ofMinutes(45)), NOW.minus(Duration.ofMinutes(15))));
        assertThat(range.zoomedProperty().get()).isTrue();
        assertThat(range.versionProperty().get()).isEqualTo(before + 1);
        assertThat(range.bucket()).isEqualTo(Duration.ofSeconds(10));
        assertThat(range.describe()).isEqualTo("Zoomed to 14:15 – 14:45 of last hour");

        clock.advance(Duration.ofMinutes(10));
        assertThat(range.visible().to()).as("a zoom stays put while time goes on").isEqualTo(NOW.minus(Duration.ofMinutes(15)));

        range.zoomOut();
        assertThat(range.zoomedProperty().get()).isFalse();
        assertThat(range.visible()).isEqualTo(new ChartRange.Span(NOW.minus(Duration.ofMinutes(50)), NOW.plus(Duration.ofMinutes(10))));
        range.zoomIn();
        range.zoomOut();
        assertThat(range.zoomedProperty().get()).isFalse();
    }

    @Test
    void aDraggedSpanIsOrderedClampedToTheRangeAndNeverNarrowerThanTheMinimum() {
        range.zoomTo(NOW.plus(Duration.ofMinutes(5)), NOW.minus(Duration.ofMinutes(10)));
        assertThat(range.visible()).isEqualTo(new ChartRange.Span(NOW.minus(Duration.ofMinutes(10)), NOW));

        range.zoomTo(NOW.minus(Duration.ofMinutes(30)), NOW.minus(Duration.ofMinutes(30)).plusSeconds(5));
        assertThat(range.visible().length()).isEqualTo(ChartRange.MIN_SPAN);

        range.zoomTo(Instant.parse("2026-12-04T14:12:37Z"), Instant.parse("2026-12-04T14:41:05Z"));
        assertThat(range.visible()).as("onto whole ticks").isEqualTo(new ChartRange.Span(Instant.parse("2026-12-04T14:10:00Z"),
                Instant.parse("2026-12-04T14:45:00Z")));
        assertThat(range.tickSeconds()).isEqualTo(300.0);

        range.zoomTo(NOW.minus(Duration.ofHours(3)), NOW.plus(Duration.ofHours(1)));
        assertThat(range.zoomedProperty().get()).as("a span covering the range is no zoom").isFalse();
    }

    @Test
    void zoomOutSlidesAtTheEdgeOfTheRange() {
        range.zoomTo(NOW.minus(Duration.ofMinutes(10)), NOW);
        range.zoomOut();
        assertThat(range.visible()).isEqualTo(new ChartRange.Span(NOW.minus(Duration.ofMinutes(20)), NOW));
    }

    @Test
    void choosingAnotherRangeResetsTheZoom() {
        range.zoomIn();
        range.rangeProperty().set(TimeRange.LAST_15_MINUTES);
        assertThat(range.zoomedProperty().get()).isFalse();
        assertThat(range.visible().length()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aCustomRangeIsTypedInTheUsersZoneAndCheckedBeforeUse() {
        ChartRange paris = new ChartRange(Clock.fixed(NOW, ZoneId.of("Europe/Paris")), TimeRange.LAST_HOUR, Duration.ofSeconds(10));
        paris.customFromProperty().set("2026-12-03 09:00");
        paris.customToProperty().set("2026-12-03 08:00");
        paris.applyCustom();
        assertThat(paris.customErrorProperty().get()).isEqualTo("The end is not after the start; choose an end later than the start.");
        assertThat(paris.rangeProperty().get()).isEqualTo(TimeRange.LAST_HOUR);

        paris.customToProperty().set("yesterday");
        paris.applyCustom();
        assertThat(paris.customErrorProperty().get()).startsWith("Type both times as 2026-12-04 16:00");

        paris.customToProperty().set("2026-12-03 21:00");
        paris.applyCustom();
        assertThat(paris.customErrorProperty().get()).isEmpty();
        assertThat(paris.rangeProperty().get()).isEqualTo(TimeRange.BETWEEN_DATES);
        assertThat(paris.visible()).isEqualTo(new ChartRange.Span(Instant.parse("2026-12-03T08:00:00Z"), Instant.parse("2026-12-03T20:00:00Z")));
        assertThat(paris.describe()).isEqualTo("12-03 09:00 – 21:00");
    }

    @Test
    void aHistoryStartingLateInTheSpanIsSaid() {
        assertThat(range.gapBefore(Optional.of(NOW.minus(Duration.ofMinutes(18)).plusSeconds(7)))).contains("No samples before 14:42");
        assertThat(range.gapBefore(Optional.of(NOW.minus(Duration.ofMinutes(60)).plusSeconds(20)))).as("within a bucket or two").isEmpty();
        assertThat(range.gapBefore(Optional.empty())).isEmpty();
    }
}
