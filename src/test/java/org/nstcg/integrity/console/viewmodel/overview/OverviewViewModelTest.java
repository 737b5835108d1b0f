package org.nstcg.integrity.console.viewmodel.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.engine.integrity.OverviewFigures;
import org.nstcg.integrity.engine.integrity.OverviewTrends;
import org.nstcg.integrity.engine.integrity.OverviewFigures.CheckRunFigures;
import org.nstcg.integrity.engine.integrity.OverviewFigures.DivergenceRound;
import org.nstcg.integrity.engine.integrity.OverviewFigures.Sagas;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.EngineException;

class OverviewViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final Deque<Supplier<OverviewFigures>> answers = new ArrayDeque<>();
    private final List<Feature> opened = new ArrayList<>();
    private Set<Feature> visible = EnumSet.allOf(Feature.class);
    private OverviewViewModel overview = create();

    private OverviewViewModel create() {
        return new OverviewViewModel(() -> answers.remove().get(), visible::contains, opened::add, runner, clock, Duration.ofSeconds(5));
    }

    // Figures ---------------------------------------------------------------------------------------------------------

    @Test
    void figuresAreShownAsDisplayStrings() {
        answers.add(() -> figures(new PlatformFigures(12_480, 12_477, 12_500, Optional.of(NOW.minusSeconds(180)), NOW)));

        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("12,480");
        assertThat(overview.activeUsersProperty().get()).isEqualTo("12,477");
        assertThat(overview.inactiveUsersProperty().get()).isEqualTo("3 merged or archived");
        assertThat(overview.referralCodesProperty().get()).isEqualTo("12,500");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo("3 min ago");
        assertThat(overview.lastUpdateExactProperty().get()).isEqualTo("2026-05-02 11:57:00 Z");
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Updated 12:00:00");
        assertThat(overview.errorProperty().get()).isEmpty();
    }

    @Test
    void everyTileShowsItsFigureDetailAndTrend() {
        List<Long> signUps = hourly(5);
        signUps.set(23, 40L);
        List<Long> blocked = hourly(0);
        blocked.set(20, 3L);
        blocked.set(23, 1L);
        List<Double> rates = hourlyShare(0);
        rates.set(22, 0.05);
        Alert newest = new Alert("critical", "integrity.duplicate-referral-codes", "run 7", "2 duplicate referral codes found.",
                NOW.minusSeconds(300));
        Alert older = new Alert("warning", "saga.rollback-rate", "sagas", "Too many rollbacks.", NOW.minusSeconds(7200));
        answers.add(() -> new OverviewFigures(platform(1_000_000), signUps, blocked, new Sagas(812, 3, rates),
                Optional.of(new DivergenceRound(NOW.minusSeconds(120), 1500, 3)), hourlyShare(0.002), 0.05,
                List.of(newest, older), hourly(0), List.of(new CheckRunFigures(9, NOW.minusSeconds(720), "failed", 17, 2),
                        new CheckRunFigures(8, NOW.minusSeconds(4320), "passed", 0, 0)), NOW));

        overview.refresh();

        assertThat(overview.usersTile().valueProperty().get()).isEqualTo("1,000,000");
        assertThat(overview.usersTile().detailProperty().get()).isEqualTo("+155 sign-ups in the last 24 h");
        assertThat(overview.usersTile().trend()).hasSize(24).endsWith(40L);
        assertThat(overview.blockedTile().valueProperty().get()).isEqualTo("4");
        assertThat(overview.blockedTile().trend()).containsExactlyElementsOf(blocked);
        assertThat(overview.rollbackTile().valueProperty().get()).isEqualTo("0.4 %");
        assertThat(overview.rollbackTile().detailProperty().get()).isEqualTo("3 of 812 sagas rolled back in 24 h");
        assertThat(overview.rollbackTile().attentionProperty().get()).as("0.4 % is under the 1 % alert").isFalse();
        assertThat(overview.rollbackTile().trend()).containsExactlyElementsOf(rates);
        assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo("0.2 %");
        assertThat(overview.divergenceTile().detailProperty().get()).isEqualTo("3 of 1,500 cached entries differ · sampled 2 min ago");
        assertThat(overview.divergenceTile().attentionProperty().get()).isFalse();
        assertThat(overview.alertsTile().valueProperty().get()).isEqualTo("2");
        assertThat(overview.alertsTile().detailProperty().get())
                .isEqualTo("Raised in 24 h; newest 5 min ago, critical: integrity.duplicate-referral-codes");
        assertThat(overview.alertsTile().tooltipProperty().get()).isEqualTo("2 duplicate referral codes found.");
        assertThat(overview.alertsTile().attentionProperty().get()).isTrue();
        assertThat(overview.lastCheckTile().valueProperty().get()).isEqualTo("12 min ago");
        assertThat(overview.lastCheckTile().detailProperty().get()).isEqualTo("Run 9 · Failed · 17 findings in 2 checks");
        assertThat(overview.lastCheckTile().attentionProperty().get()).isTrue();
        assertThat(overview.lastCheckTile().trend()).as("findings per run, oldest first").containsExactly(0L, 17L);
    }

    @Test
    void oneFinishedSagaIsOneSagaNotOneSagas() {
        answers.add(() -> new OverviewFigures(platform(3), hourly(0), hourly(0), new Sagas(1, 0, hourlyShare(0)), Optional.empty(),
                hourlyShare(0), 0.05, List.of(), hourly(0), List.of(), NOW));

        overview.refresh();

        assertThat(overview.rollbackTile().detailProperty().get()).isEqualTo("0 of 1 saga rolled back in 24 h");
    }

    @Test
    void figuresPastTheirThresholdsAskForAttention() {
        answers.add(() -> new OverviewFigures(platform(100), hourly(0), hourly(0), new Sagas(200, 5, hourlyShare(0)),
                Optional.of(new DivergenceRound(NOW, 100, 9)), hourlyShare(0), 0.05, List.of(), hourly(0),
                List.of(new CheckRunFigures(3, NOW, "passed", 0, 0)), NOW));

        overview.refresh();

        assertThat(overview.rollbackTile().valueProperty().get()).isEqualTo("2.5 %");
        assertThat(overview.rollbackTile().detailProperty().get()).isEqualTo("5 of 200 sagas rolled back in 24 h (alert above 1.0 %)");
        assertThat(overview.rollbackTile().attentionProperty().get()).isTrue();
        assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo("9.0 %");
        assertThat(overview.divergenceTile().detailProperty().get()).endsWith("(alert above 5.0 %)");
        assertThat(overview.divergenceTile().attentionProperty().get()).isTrue();
        assertThat(overview.lastCheckTile().detailProperty().get()).isEqualTo("Run 3 · Passed · no findings");
        assertThat(overview.lastCheckTile().attentionProperty().get()).isFalse();
    }

    @Test
    void aFewSagasDoNotRaiseTheRollbackAlarm() {
        answers.add(() -> new OverviewFigures(platform(3), hourly(0), hourly(0), new Sagas(4, 2, hourlyShare(0)), Optional.empty(),
                hourlyShare(0), 0.05, List.of(), hourly(0), List.of(), NOW));

        overview.refresh();

        assertThat(overview.rollbackTile().valueProperty().get()).isEqualTo("50.0 %");
        assertThat(overview.rollbackTile().attentionProperty().get()).as("under 20 sagas a rate means little").isFalse();
    }

    @Test
    void aRoundWithNothingCachedSaysSoRatherThanZeroOfZero() {
        answers.add(() -> new OverviewFigures(platform(3), hourly(0), hourly(0), new Sagas(0, 0, hourlyShare(0)),
                Optional.of(new DivergenceRound(NOW.minusSeconds(5), 0, 0)), hourlyShare(0), 0.05, List.of(), hourly(0), List.of(), NOW));

        overview.refresh();

        assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo("0 %");
        assertThat(overview.divergenceTile().detailProperty().get()).isEqualTo("Nothing cached to compare · sampled just now");
    }

    /**
     * Regression (issue 15 §3): the tile read "0 % · nothing cached to compare · sampled just now" while Redis was down.
     * A figure that cannot be measured says so and since when, never 0 %.
     */
    @Test
    void withRedisDownTheDivergenceIsNotMeasuredSinceTheOutageBeganNeverZero() {
        Instant since = Instant.parse("2026-05-02T03:31:40Z");
        answers.add(() -> new OverviewFigures(platform(3), hourly(0), hourly(0), new Sagas(0, 0, hourlyShare(0)),
                Optional.of(new DivergenceRound(NOW.minusSeconds(5), 0, 0)), hourlyShare(0), 0.05, List.of(), hourly(0), List.of(), NOW,
                Optional.of(since)));

        overview.refresh();

        assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo(OverviewViewModel.NOT_MEASURED).doesNotContain("%");
        assertThat(overview.divergenceTile().detailProperty().get()).isEqualTo("Redis unreachable since 03:31 · nothing can be compared");
        assertThat(overview.divergenceTile().tooltipProperty().get()).startsWith("Not measured: Redis has not answered since 2026-05-02 03:31:40");
        assertThat(overview.divergenceTile().attentionProperty().get()).isTrue();
    }

    @Test
    void anEmptyPlatformSaysSo() {
        answers.add(() -> figures(new PlatformFigures(0, 0, 0, Optional.empty(), NOW)));

        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("0");
        assertThat(overview.usersTile().detailProperty().get()).isEqualTo("No sign-ups in the last 24 h");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo(OverviewViewModel.NO_USERS);
        assertThat(overview.lastUpdateExactProperty().get()).isEmpty();
        assertThat(overview.lastUpdateDetailProperty().get()).isEqualTo("Shows the newest change once someone signs up");
        assertThat(overview.inactiveUsersProperty().get()).isEqualTo("None merged or archived");
        assertThat(overview.blockedTile().valueProperty().get()).isEqualTo("0");
        assertThat(overview.rollbackTile().valueProperty().get()).isEqualTo("0 %");
        assertThat(overview.rollbackTile().detailProperty().get()).isEqualTo("No saga finished in the last 24 h");
        assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo(OverviewViewModel.NOT_SAMPLED);
        assertThat(overview.alertsTile().valueProperty().get()).isEqualTo("0");
        assertThat(overview.alertsTile().detailProperty().get()).isEqualTo("No alert in the last 24 h");
        assertThat(overview.alertsTile().attentionProperty().get()).isFalse();
        assertThat(overview.lastCheckTile().valueProperty().get()).isEqualTo(OverviewViewModel.NEVER_RUN);
        assertThat(overview.lastCheckTile().detailProperty().get()).isEqualTo("Run the integrity checks from the Repairs screen");
        assertThat(overview.lastCheckTile().trend()).isEmpty();
    }

    @Test
    void sharesAreWrittenAsPercentages() {
        assertThat(OverviewViewModel.percent(0)).isEqualTo("0 %");
        assertThat(OverviewViewModel.percent(0.0004)).isEqualTo("< 0.1 %");
        assertThat(OverviewViewModel.percent(0.004)).isEqualTo("0.4 %");
        assertThat(OverviewViewModel.percent(0.125)).isEqualTo("12.5 %");
        assertThat(OverviewViewModel.percent(1)).isEqualTo("100.0 %");
    }

    @Test
    void beforeTheFirstReadTheTilesShowNoNumbers() {
        assertThat(overview.usersProperty().get()).isEqualTo(OverviewViewModel.NOT_LOADED);
        assertThat(overview.rollbackTile().valueProperty().get()).isEqualTo(OverviewViewModel.NOT_LOADED);
        assertThat(overview.lastCheckTile().trend()).isEmpty();
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Loading…");
        assertThat(overview.refreshHintProperty().get())
                .isEqualTo("Figures refresh every 5 s; press F5 to refresh now. Click a tile to open its screen.");
    }

    // Click-through ---------------------------------------------------------------------------------------------------

    @Test
    void eachTileOpensTheScreenThatExplainsIt() {
        overview.usersTile().open();
        overview.blockedTile().open();
        overview.rollbackTile().open();
        overview.divergenceTile().open();
        overview.alertsTile().open();
        overview.lastCheckTile().open();

        assertThat(opened).containsExactly(Feature.USERS, Feature.DUPLICATES, Feature.SAGAS, Feature.CACHE, Feature.REPAIRS,
                Feature.REPAIRS);
        assertThat(overview.rollbackTile().navigable()).isTrue();
        assertThat(overview.rollbackTile().openHint()).isEqualTo("Open Sagas");
    }

    @Test
    void tilesOfScreensTheRoleMayNotSeeDoNotOpen() {
        visible = EnumSet.of(Feature.OVERVIEW, Feature.DUPLICATES, Feature.USERS);
        overview = create();
        answers.add(() -> figures(platform(1)));
        overview.refresh();

        overview.rollbackTile().open();
        overview.divergenceTile().open();
        overview.lastCheckTile().open();
        overview.usersTile().open();

        assertThat(opened).containsExactly(Feature.USERS);
        assertThat(overview.rollbackTile().navigable()).isFalse();
        assertThat(overview.rollbackTile().openHint()).isEmpty();
        assertThat(overview.blockedTile().navigable()).isTrue();
        assertThat(overview.lastCheckTile().detailProperty().get()).isEqualTo("An operator or administrator runs the integrity checks");
    }

    // Failures and refresh ----------------------------------------------------------------------------------------------

    @Test
    void aFailedRefreshKeepsTheLastFiguresAndSaysWhy() {
        answers.add(() -> figures(new PlatformFigures(5, 4, 6, Optional.of(NOW.minusSeconds(7200)), NOW)));
        answers.add(() -> {
            throw new EngineException("Cannot read the overview figures from PostgreSQL (Connection refused).");
        });

        overview.refresh();
        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("5");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo("2 h ago");
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Updated 12:00:00");
        assertThat(overview.errorProperty().get())
                .isEqualTo("Refresh failed at 12:00:00; the figures shown were read at 12:00:00.");
        assertThat(overview.errorDetailProperty().get())
                .isEqualTo("Cannot read the overview figures from PostgreSQL (Connection refused).");
    }

    @Test
    void theNextSuccessfulRefreshClearsTheError() {
        answers.add(() -> {
            throw new EngineException("Cannot read figures.");
        });
        answers.add(() -> figures(platform(1)));

        overview.refresh();
        assertThat(overview.errorProperty().get()).isEqualTo("The figures could not be read at 12:00:00.");
        assertThat(overview.errorDetailProperty().get()).isEqualTo("Cannot read figures.");
        overview.refresh();

        assertThat(overview.errorProperty().get()).isEmpty();
        assertThat(overview.errorDetailProperty().get()).isEmpty();
        assertThat(overview.usersProperty().get()).isEqualTo("1");
    }

    @Test
    void anUnexpectedFailureShowsAGenericSentenceNotTheException() {
        answers.add(() -> {
            throw new IllegalStateException("NullPointer deep inside");
        });

        overview.refresh();

        assertThat(overview.errorDetailProperty().get()).isEqualTo(UserMessages.UNEXPECTED);
        assertThat(overview.errorProperty().get()).doesNotContain("NullPointer");
    }

    @Test
    void activeOverviewRefreshesOnTheTimerUntilDeactivated() {
        answers.add(() -> figures(platform(1)));
        answers.add(() -> figures(platform(2)));

        overview.activate();
        assertThat(overview.usersProperty().get()).isEqualTo("1");
        runner.tick();
        assertThat(overview.usersProperty().get()).isEqualTo("2");

        overview.deactivate();
        assertThat(runner.activeTimers()).isZero();
    }

    // Fixtures ---------------------------------------------------------------------------------------------------------

    // Trends over a chosen span (issue 15 §5) ----------------------------------------------------------------------

    /** The trends read for each span asked, with the span and bucket asked. */
    private final List<String> asked = new ArrayList<>();

    private OverviewTrends trendsFor(Instant from, Instant to, Duration bucket) {
        asked.add(from + " " + to + " " + bucket);
        int n = OverviewTrends.buckets(from, to, bucket);
        List<Double> counts = new ArrayList<>(Collections.nCopies(n, 2.0));
        List<Double> late = new ArrayList<>(Collections.nCopies(n, Double.NaN));
        Instant since = NOW.minus(Duration.ofMinutes(18)); // the sampler started at 11:42
        for (int i = 0; i < n; i++) {
            if (from.plus(bucket.multipliedBy(i + 1L)).isAfter(since)) {
                late.set(i, 0.01);
            }
        }
        OverviewTrends.Trend all = new OverviewTrends.Trend(counts, Optional.of(NOW.minus(Duration.ofDays(30))));
        return new OverviewTrends(from, to, bucket, all, all, all, new OverviewTrends.Trend(late, Optional.of(since)), all);
    }

    @Test
    void trendsFollowThePickedRangeAndTheZoomAndSayWhereAHistoryStarts() {
        OverviewViewModel vm = new OverviewViewModel(() -> figures(platform(10)), this::trendsFor, f -> true, f -> { }, runner, clock,
                Duration.ofSeconds(5));
        vm.refresh();
        assertThat(asked).last().isEqualTo("2026-05-01T12:00:00Z 2026-05-02T12:00:00Z PT10M");
        assertThat(vm.usersTile().trend()).hasSize(144);
        assertThat(vm.usersTile().trendCaption()).isEqualTo("Sign-ups per 10 min, 05-01 12:00 – 05-02 12:00 (last 24 hours)");
        assertThat(vm.usersTile().trendFromProperty().get()).isEqualTo("05-01 12:00");
        assertThat(vm.usersTile().trendNoteProperty().get()).isEmpty();
        assertThat(vm.divergenceTile().trendNoteProperty().get()).isEqualTo("No samples before 11:42");
        assertThat(vm.divergenceTile().trend().get(0).doubleValue()).as("no history: no value, not 0").isNaN();

        vm.chartRange().rangeProperty().set(org.nstcg.integrity.console.viewmodel.TimeRange.LAST_HOUR);
        assertThat(asked).last().isEqualTo("2026-05-02T11:00:00Z 2026-05-02T12:00:00Z PT1M");
        assertThat(vm.usersTile().trend()).hasSize(60);
        assertThat(vm.usersTile().trendFromProperty().get()).isEqualTo("11:00");

        vm.chartRange().zoomToFraction(0.5, 1.0);
        assertThat(asked).last().isEqualTo("2026-05-02T11:30:00Z 2026-05-02T12:00:00Z PT1M");
        assertThat(vm.usersTile().trend()).hasSize(30);
        assertThat(vm.trendsShownProperty().get()).isEqualTo("Zoomed to 11:30 – 12:00 of last hour");
        assertThat(vm.divergenceTile().trendNoteProperty().get()).isEqualTo("No samples before 11:42");

        vm.chartRange().zoomToFraction(0.6, 1.0);
        assertThat(vm.divergenceTile().trendNoteProperty().get()).as("the history covers 11:48 – 12:00").isEmpty();
    }

    private static PlatformFigures platform(long users) {
        return new PlatformFigures(users, users, users, Optional.of(NOW), NOW);
    }

    /** Only the platform figures; every other figure empty. */
    private static OverviewFigures figures(PlatformFigures p) {
        return new OverviewFigures(p, hourly(0), hourly(0), new Sagas(0, 0, hourlyShare(0)), Optional.empty(), hourlyShare(0), 0.05,
                List.of(), hourly(0), List.of(), NOW);
    }

    private static List<Long> hourly(long each) {
        return new ArrayList<>(Collections.nCopies(OverviewFigures.HOURS, each));
    }

    private static List<Double> hourlyShare(double each) {
        return new ArrayList<>(Collections.nCopies(OverviewFigures.HOURS, each));
    }
}
