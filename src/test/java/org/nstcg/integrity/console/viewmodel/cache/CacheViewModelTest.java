package org.nstcg.integrity.console.viewmodel.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.cache.CacheSource;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.cache.PatternSeries;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;

class CacheViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");

    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final FakeCache cache = new FakeCache();
    private CacheViewModel vm = new CacheViewModel(cache, runner, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5), true);

    @Test
    void withoutSamplesTheChartIsEmptyAndSaysWhatWillAppear() {
        vm.activate();

        assertThat(vm.chartEmptyProperty().get()).isTrue();
        assertThat(vm.chartEmptyTextProperty().get()).startsWith("No divergence samples in the last hour yet. Every 5 s the sampler");
        assertThat(vm.series()).isEmpty();
        assertThat(cache.since).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(cache.bucket).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void samplesBecomeOneLinePerPatternInPercentOverTheChosenWindow() {
        cache.samples.add(new DivergenceSample(NOW.minusSeconds(60), "user:*", 200, 3, Optional.of(1500L)));
        cache.samples.add(new DivergenceSample(NOW.minusSeconds(60), "count:*", 1, 0, Optional.empty()));
        cache.samples.add(new DivergenceSample(NOW.minusSeconds(30), "user:*", 100, 0, Optional.empty()));
        vm.activate();

        assertThat(vm.chartEmptyProperty().get()).isFalse();
        assertThat(vm.series()).extracting(PatternSeries::pattern).containsExactly("user:*", "count:*");
        assertThat(vm.series().get(0).points()).containsExactly(new PatternSeries.Point(NOW.minusSeconds(60).getEpochSecond(), 1.5),
                new PatternSeries.Point(NOW.minusSeconds(30).getEpochSecond(), 0.0));
        assertThat(vm.chartToProperty().get()).isEqualTo(NOW.getEpochSecond());

        vm.chartRange().rangeProperty().set(TimeRange.LAST_7_DAYS);
        assertThat(cache.since).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(cache.bucket).isEqualTo(Duration.ofHours(1));
        assertThat(vm.chartFromProperty().get()).isEqualTo(NOW.minus(Duration.ofDays(7)).getEpochSecond());
    }

    /** Issue 15 §5: zooming re-reads the history over the zoomed span, in finer buckets, and the axis follows. */
    @Test
    void zoomingReadsTheZoomedSpanInFinerBucketsAndDropsWhatFallsOutside() {
        cache.samples.add(new DivergenceSample(NOW.minus(Duration.ofMinutes(50)), "user:*", 100, 1, Optional.empty()));
        cache.samples.add(new DivergenceSample(NOW.minus(Duration.ofMinutes(20)), "user:*", 100, 2, Optional.empty()));
        vm.chartRange().rangeProperty().set(TimeRange.LAST_24_HOURS);
        vm.activate();
        assertThat(cache.bucket).isEqualTo(Duration.ofMinutes(10));
        assertThat(vm.series().get(0).points()).hasSize(2);

        vm.chartRange().zoomTo(NOW.minus(Duration.ofMinutes(60)), NOW.minus(Duration.ofMinutes(30)));

        assertThat(cache.since).isEqualTo(NOW.minus(Duration.ofMinutes(60)));
        assertThat(cache.bucket).isEqualTo(Duration.ofSeconds(10));
        assertThat(vm.chartFromProperty().get()).isEqualTo(NOW.minus(Duration.ofMinutes(60)).getEpochSecond());
        assertThat(vm.chartToProperty().get()).isEqualTo(NOW.minus(Duration.ofMinutes(30)).getEpochSecond());
        assertThat(vm.series().get(0).points()).as("the sample after the zoomed span is not drawn")
                .containsExactly(new PatternSeries.Point(NOW.minus(Duration.ofMinutes(50)).getEpochSecond(), 1.0));
        assertThat(vm.chartShownProperty().get()).isEqualTo("Zoomed to 11:00 – 11:30 of last 24 hours");

        vm.chartRange().resetZoom();
        assertThat(cache.since).isEqualTo(NOW.minus(Duration.ofHours(24)));
        assertThat(vm.series().get(0).points()).hasSize(2);
    }

    /** Issue 15 §5: a history that starts inside the span says so instead of drawing zeros before it. */
    @Test
    void aHistoryStartingInsideTheSpanSaysNoSamplesBeforeItsFirst() {
        cache.samples.add(new DivergenceSample(Instant.parse("2026-05-02T11:42:10Z"), "user:*", 100, 1, Optional.empty()));
        vm.activate();

        assertThat(vm.chartGapProperty().get()).isEqualTo("No samples before 11:42.");
        assertThat(vm.series().get(0).points()).as("no zero points before the first sample").hasSize(1);

        vm.chartRange().rangeProperty().set(TimeRange.LAST_7_DAYS);
        assertThat(vm.chartGapProperty().get()).isEqualTo("No samples before 05-02 11:42.");
    }

    @Test
    void redisContentsAreCountedOnActivationButNotOnEveryTick() {
        vm.activate();
        runner.tick();
        runner.tick();

        assertThat(cache.contentsReads).isEqualTo(1);
        assertThat(vm.patterns()).first().satisfies(r -> assertThat(r.entries()).isEqualTo("1,234"));
        vm.refresh();
        assertThat(cache.contentsReads).as("F5 counts again").isEqualTo(2);
    }

    /** Regression (issue 15 §3): with Redis down the divergence is not measured, and the screen says since when. */
    @Test
    void withRedisDownEachPatternsDivergenceIsNotMeasuredSinceTheOutageBegan() {
        Instant since = Instant.parse("2026-05-02T03:31:20Z");
        cache.redisDown = true;
        cache.latest = new DivergenceReport(DivergenceReport.State.REDIS_DOWN, NOW, List.of(), Optional.of(since));
        vm.activate();

        assertThat(vm.patterns()).extracting(PatternRow::divergence).containsOnly("not measured: Redis down since 03:31");
        assertThat(vm.patterns()).extracting(PatternRow::divergence).noneMatch(d -> d.contains("%"));
    }

    @Test
    void redisDownIsSaidAndClearsWhenRedisAnswersAgain() {
        cache.redisDown = true;
        vm.activate();

        assertThat(vm.redisDownProperty().get()).isTrue();
        assertThat(vm.redisDownTextProperty().get()).startsWith("Redis at 127.0.0.1:6379 is unreachable.")
                .contains("Rebuild and invalidation wait until Redis answers");

        cache.redisDown = false;
        runner.tick();
        assertThat(vm.redisDownProperty().get()).isFalse();
        assertThat(vm.redisDownTextProperty().get()).isEmpty();
    }

    @Test
    void aRebuildReportsItsProgressThenItsResult() {
        vm.activate();
        List<Double> seen = new ArrayList<>();
        vm.rebuildProgressProperty().addListener((obs, old, now) -> seen.add(now.doubleValue()));
        vm.rebuildPatternProperty().set("user:*");

        vm.rebuild();

        assertThat(cache.rebuiltPattern).isEqualTo("user:*");
        assertThat(seen).containsSubsequence(0.5, 1.0);
        assertThat(vm.rebuildProgressProperty().get()).isEqualTo(1.0);
        assertThat(vm.rebuildStatusProperty().get()).startsWith("Rebuilt user:*: 10 entries written in ");
        assertThat(vm.rebuildingProperty().get()).isFalse();
    }

    @Test
    void cancelStopsTheRebuildAfterThePageAndSaysHowFarItGot() {
        vm.activate();
        cache.onPage = () -> vm.cancelRebuild();

        vm.rebuild();

        assertThat(cache.sawCancel).isTrue();
        assertThat(vm.rebuildStatusProperty().get()).startsWith("Rebuild of every pattern cancelled after 5 of 10 entries");
        assertThat(vm.rebuildProgressProperty().get()).isEqualTo(0.5);
        assertThat(vm.cancelRequestedProperty().get()).isFalse();
    }

    @Test
    void aFailedRebuildIsASentence() {
        vm.activate();
        cache.rebuildFailure = new ServerUnavailableException("redis.url", "127.0.0.1:6379",
                "Redis at 127.0.0.1:6379 is unreachable (no answer); nothing was rebuilt.", null);

        vm.rebuild();

        assertThat(vm.rebuildErrorProperty().get()).isEqualTo("Redis at 127.0.0.1:6379 is unreachable (no answer); nothing was rebuilt.");
        assertThat(vm.rebuildingProperty().get()).isFalse();
    }

    @Test
    void invalidationIsValidatedThenConfirmedBeforeAnythingIsDropped() {
        vm.activate();
        vm.invalidatePatternProperty().set("user:*x*");
        vm.requestInvalidate();
        assertThat(vm.invalidateErrorProperty().get()).startsWith("'user:*x*' is not a key pattern");
        assertThat(vm.confirmingInvalidateProperty().get()).isFalse();

        vm.invalidatePatternProperty().set("user:*");
        assertThat(vm.invalidateErrorProperty().get()).as("typing clears the error").isEmpty();
        vm.requestInvalidate();
        assertThat(vm.confirmingInvalidateProperty().get()).isTrue();
        assertThat(cache.invalidated).isNull();

        vm.confirmInvalidate();
        assertThat(cache.invalidated).isEqualTo("user:*");
        assertThat(vm.invalidateResultProperty().get()).isEqualTo("Invalidated 7 cached entries matching user:*, on every instance.");
    }

    @Test
    void aPatternTheEngineWouldRefuseIsExplainedBeforeAnyConfirmationIsAsked() {
        vm.activate();
        for (String refused : List.of("reserve:*", "cache:seal", "re*", "user:" + "x".repeat(120))) {
            vm.invalidatePatternProperty().set(refused);
            vm.requestInvalidate();

            assertThat(vm.confirmingInvalidateProperty().get()).as(refused).isFalse();
            assertThat(vm.invalidateErrorProperty().get()).as(refused).isNotEmpty();
        }
        vm.invalidatePatternProperty().set("reserve:*");
        vm.requestInvalidate();
        assertThat(vm.invalidateErrorProperty().get()).startsWith("'reserve:*' would touch the engine's own state under reserve:");
        assertThat(cache.invalidated).isNull();
    }

    @Test
    void anInvalidationWhileRedisIsDownIsRecordedForLater() {
        vm.activate();
        cache.invalidateRemoved = Optional.empty();
        vm.invalidatePatternProperty().set("count:users");
        vm.requestInvalidate();
        vm.confirmInvalidate();

        assertThat(vm.invalidateResultProperty().get()).startsWith("Redis does not answer: the invalidation of count:users was recorded");
    }

    @Test
    void withoutTheManagePermissionNothingCanBeRebuiltOrInvalidated() {
        vm = new CacheViewModel(cache, runner, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5), false);
        vm.activate();

        vm.rebuild();
        vm.invalidatePatternProperty().set("user:*");
        vm.requestInvalidate();

        assertThat(cache.rebuiltPattern).isNull();
        assertThat(vm.confirmingInvalidateProperty().get()).isFalse();
        assertThat(vm.actionsDisabledProperty().get()).isTrue();
        assertThat(vm.manageHint()).isNotEmpty();
    }

    @Test
    void liveRefreshStopsWhenTheScreenIsLeft() {
        vm.activate();
        assertThat(runner.activeTimers()).isEqualTo(1);
        vm.deactivate();
        assertThat(runner.activeTimers()).isZero();
    }

    /** A cache with figures set by the test. */
    private static final class FakeCache implements CacheSource {
        final List<DivergenceSample> samples = new ArrayList<>();
        Instant since;
        Duration bucket;
        int contentsReads;
        boolean redisDown;
        String rebuiltPattern;
        Runnable onPage = () -> { };
        boolean sawCancel;
        RuntimeException rebuildFailure;
        String invalidated;
        Optional<Long> invalidateRemoved = Optional.of(7L);

        @Override
        public List<DivergenceSample> divergence(Instant since, Duration bucket) {
            this.since = since;
            this.bucket = bucket;
            return samples;
        }

        DivergenceReport latest = new DivergenceReport(DivergenceReport.State.NOT_SAMPLED_YET, NOW, List.of());

        @Override
        public DivergenceReport latestRound() {
            return latest;
        }

        @Override
        public CacheStats stats() {
            return new CacheStats(1, 2, 3, 0, 0, 0, 0, 0, 0, 1, true, !redisDown, redisDown);
        }

        @Override
        public CacheInspector.Overview contents() {
            contentsReads++;
            if (redisDown) {
                throw new ServerUnavailableException("redis.url", "127.0.0.1:6379", "Redis at 127.0.0.1:6379 is unreachable.", null);
            }
            return new CacheInspector.Overview(List.of(new CacheInspector.PatternFigures("user:*", 1234, 2, Duration.ofMinutes(5))),
                    "1.2M", 10, 5, 1, 0, "7.2.4");
        }

        @Override
        public CacheRebuilder.Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled) {
            if (rebuildFailure != null) {
                throw rebuildFailure;
            }
            rebuiltPattern = pattern;
            progress.progress("Rebuilding " + pattern + ": 0 of 10 entries", 0, 10);
            progress.progress("Rebuilding " + pattern + ": 5 of 10 entries", 5, 10);
            onPage.run();
            if (cancelled.getAsBoolean()) {
                sawCancel = true;
                return new CacheRebuilder.Result(pattern, 10, 5, 0, Duration.ofMillis(40), true);
            }
            progress.progress("Rebuilding " + pattern + ": 10 of 10 entries", 10, 10);
            return new CacheRebuilder.Result(pattern, 10, 10, 0, Duration.ofMillis(80), false);
        }

        @Override
        public Optional<Long> invalidate(String pattern) {
            invalidated = pattern;
            return invalidateRemoved;
        }

        @Override
        public double alertThreshold() {
            return 0.05;
        }

        @Override
        public Duration sampleInterval() {
            return Duration.ofSeconds(5);
        }
    }
}
