package org.nstcg.integrity.console.viewmodel.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.ChartRange;
import org.nstcg.integrity.console.viewmodel.ReadStatus;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.cache.CacheAdministration;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.Durations;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache screen's state: divergence per key pattern over a chosen window (a line per pattern), what Redis holds
 * per pattern with the latest sampling round, this instance's counters, and the two operator actions, a rebuild
 * (progress, ETA, cancel) and an invalidation (validated, then confirmed).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Two speeds of reading.</b> The chart and counters are cheap (one grouped query, in-memory counters) and
 *   are read every refresh period. Counting Redis entries per pattern walks the whole keyspace with SCAN, so it is
 *   read at most every {@link #CONTENTS_EVERY}, after an action, on F5, and on every refresh while Redis is down
 *   (that read is also what notices Redis is back).</li>
 *   <li><b>Progress figures.</b> The task runner forwards only the progress message to the FX thread; the rebuild's
 *   units done and total travel beside it in an atomic reference that the FX thread reads when the message arrives.
 *   The engine's message changes with every page, so no report is lost to message coalescing.</li>
 *   <li><b>Cancel</b> sets a flag the rebuilder polls between pages; the task is not interrupted, so the rebuild
 *   returns its result (how far it got) and the screen says so.</li>
 * </ul>
 */
public final class CacheViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(CacheViewModel.class);
    /** The longest time between two counts of what Redis holds. */
    public static final Duration CONTENTS_EVERY = Duration.ofSeconds(30);
    /** In a figure before it is read. */
    public static final String NOT_LOADED = "—";
    /** What can be rebuilt, "*" first. */
    public static final List<String> REBUILD_PATTERNS = List.of("*", CacheKeys.USER_PATTERN, CacheKeys.REFERRAL_PATTERN,
            CacheKeys.COUNT_PATTERN, CacheKeys.LEADERBOARD_PATTERN);

    /** What one refresh read. */
    private record Snapshot(List<DivergenceSample> samples, ChartRange.Span span, Duration bucket, boolean zoomed, Instant readAt,
                            DivergenceReport latest,
                            CacheStats stats, Optional<CacheInspector.Overview> contents, Optional<Throwable> contentsFailure) {
    }

    /** A rebuild's last progress figures, handed from the worker to the FX thread. */
    private record Units(long done, long total) {
    }

    private final CacheSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final ReadStatus readStatus;
    private final boolean mayManage;
    private final LiveRefresh<Snapshot> live;

    private final ChartRange chartRange;
    private final ObservableList<PatternSeries> series = FXCollections.observableArrayList();
    private final BooleanProperty chartEmpty = new SimpleBooleanProperty(true);
    private final StringProperty chartEmptyText = new SimpleStringProperty("Loading the divergence history…");
    private final DoubleProperty chartFrom = new SimpleDoubleProperty();
    private final DoubleProperty chartTo = new SimpleDoubleProperty();
    private final DoubleProperty chartTick = new SimpleDoubleProperty();
    private final StringProperty chartCaption = new SimpleStringProperty("");
    /** When the entries and tombstones shown were counted: they are counted less often than the rest is read. */
    private final StringProperty contentsCaption = new SimpleStringProperty("");
    private final StringProperty chartShown = new SimpleStringProperty("");
    private final StringProperty chartGap = new SimpleStringProperty("");

    private final ObservableList<PatternRow> patterns = FXCollections.observableArrayList();
    private final StringProperty hitRate = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty hitRateDetail = new SimpleStringProperty("");
    private final StringProperty redisMemory = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty redisDetail = new SimpleStringProperty("");
    private final StringProperty invalidations = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty invalidationsDetail = new SimpleStringProperty("");

    private final BooleanProperty redisDown = new SimpleBooleanProperty();
    private final StringProperty redisDownText = new SimpleStringProperty("");

    private final StringProperty rebuildPattern = new SimpleStringProperty("*");
    private final BooleanProperty rebuilding = new SimpleBooleanProperty();
    private final BooleanProperty cancelRequested = new SimpleBooleanProperty();
    private final DoubleProperty rebuildProgress = new SimpleDoubleProperty(0);
    private final StringProperty rebuildStatus = new SimpleStringProperty("");
    private final StringProperty rebuildError = new SimpleStringProperty("");
    private final AtomicReference<Units> rebuildUnits = new AtomicReference<>();
    private AtomicBoolean rebuildCancel = new AtomicBoolean();

    private final StringProperty invalidatePattern = new SimpleStringProperty("");
    private final StringProperty invalidateError = new SimpleStringProperty("");
    private final BooleanProperty confirmingInvalidate = new SimpleBooleanProperty();
    private final StringProperty invalidateQuestion = new SimpleStringProperty("");
    private final BooleanProperty invalidating = new SimpleBooleanProperty();
    private final StringProperty invalidateResult = new SimpleStringProperty("");

    private final BooleanBinding actionsDisabled;
    private volatile boolean contentsWanted = true;
    private volatile Instant contentsReadAt = Instant.EPOCH;
    private volatile boolean lastRedisDown;

    /**
     * @param mayManage whether the user may rebuild and invalidate (the engine checks again on every action)
     */
    public CacheViewModel(CacheSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod, boolean mayManage) {
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        this.readStatus = new ReadStatus(clock, "The cache figures", "the figures");
        this.mayManage = mayManage;
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> read(), this::show, this::showFailure);
        this.actionsDisabled = Bindings.createBooleanBinding(() -> !mayManage || rebuilding.get() || invalidating.get(),
                rebuilding, invalidating);
        this.chartRange = new ChartRange(clock, TimeRange.LAST_HOUR, Duration.ofSeconds(10));
        chartRange.versionProperty().addListener((obs, old, now) -> live.refresh());
        invalidatePattern.addListener((obs, old, now) -> {
            invalidateError.set("");
            confirmingInvalidate.set(false);
        });
    }

    @Override
    public void activate() {
        contentsWanted = true;
        live.activate();
    }

    @Override
    public void deactivate() {
        live.deactivate();
    }

    /** Reads everything again now, Redis contents included. */
    @Override
    public void refresh() {
        contentsWanted = true;
        live.refresh();
    }

    // Reading ----------------------------------------------------------------------------------------------------

    /** Off the FX thread. */
    private Snapshot read() {
        Instant now = clock.instant();
        ChartRange.Span span = chartRange.visible();
        Duration bucket = chartRange.bucket();
        boolean zoomed = chartRange.zoomedProperty().get();
        // The engine reads "since"; a custom or zoomed span also ends before now, so what follows it is left out here.
        List<DivergenceSample> samples = source.divergence(span.from(), bucket).stream()
                .filter(d -> d.sampledAt().isBefore(span.to())).toList();
        DivergenceReport latest = source.latestRound();
        CacheStats before = source.stats();
        Optional<CacheInspector.Overview> contents = Optional.empty();
        Optional<Throwable> contentsFailure = Optional.empty();
        // While Redis is (or was last seen) down the contents are read every time: the failure says why in a sentence
        // naming redis.url, and the first read that succeeds is what clears the banner.
        if (contentsWanted || lastRedisDown || before.redisDown()
                || Duration.between(contentsReadAt, now).compareTo(CONTENTS_EVERY) >= 0) {
            contentsWanted = false;
            contentsReadAt = now;
            try {
                contents = Optional.of(source.contents());
            } catch (Exception e) {
                contentsFailure = Optional.of(e);
            }
        }
        CacheStats stats = source.stats();
        lastRedisDown = stats.redisDown() || contentsFailure.map(CacheViewModel::isRedisFailure).orElse(false);
        return new Snapshot(samples, span, bucket, zoomed, now, latest, stats, contents, contentsFailure);
    }

    private static boolean isRedisFailure(Throwable t) {
        return t instanceof ServerUnavailableException s && s.setting().startsWith("redis");
    }

    private void show(Snapshot s) {
        showChart(s);
        showRedis(s);
        showPatterns(s);
        showCounters(s);
        readStatus.succeeded();
    }

    private void showChart(Snapshot s) {
        Map<String, List<PatternSeries.Point>> byPattern = new LinkedHashMap<>();
        for (String p : CacheKeys.PATTERNS) {
            byPattern.put(p, new ArrayList<>());
        }
        boolean any = false;
        Optional<Instant> first = Optional.empty();
        for (DivergenceSample sample : s.samples()) {
            if (first.isEmpty() || sample.sampledAt().isBefore(first.get())) {
                first = Optional.of(sample.sampledAt());
            }
            List<PatternSeries.Point> points = byPattern.computeIfAbsent(sample.pattern(), p -> new ArrayList<>());
            points.add(new PatternSeries.Point(sample.sampledAt().getEpochSecond(), sample.divergence() * 100));
            any = true;
        }
        List<PatternSeries> lines = new ArrayList<>();
        byPattern.forEach((pattern, points) -> {
            if (!points.isEmpty()) {
                lines.add(new PatternSeries(pattern, points));
            }
        });
        series.setAll(lines);
        chartFrom.set(s.span().from().toEpochMilli() / 1000.0);
        chartTo.set(s.span().to().toEpochMilli() / 1000.0);
        chartTick.set(chartRange.tickSeconds());
        chartShown.set(chartRange.describe());
        chartEmpty.set(!any);
        String every = DisplayFormats.period(source.sampleInterval());
        boolean beforeKept = s.span().from().isBefore(s.readAt().minus(DivergenceSampler.RETENTION));
        String kept = beforeKept ? " Samples are kept for " + DivergenceSampler.RETENTION.toDays() + " days." : "";
        String phrase = !s.zoomed() && chartRange.rangeProperty().get() != TimeRange.BETWEEN_DATES
                ? "the " + chartRange.rangeProperty().get().title().toLowerCase(Locale.ROOT) : chartRange.describe().replace("Zoomed to ", "");
        if (!any) {
            chartEmptyText.set(s.latest().state() == DivergenceReport.State.REDIS_DOWN
                    ? "No divergence samples in " + phrase + ": Redis does not answer, so nothing can be compared."
                    + " Samples resume when Redis is back." + kept
                    : "No divergence samples in " + phrase + (s.span().to().isBefore(s.readAt()) ? "." : " yet.")
                    + " Every " + every + " the sampler compares cached"
                    + " entries with their rows in PostgreSQL; a line per key pattern appears as its rounds are stored." + kept);
            chartGap.set("");
        } else {
            chartGap.set(chartRange.gapBefore(first).map(g -> g + "." + kept).orElse(kept.strip()));
        }
        chartCaption.set(String.format(Locale.ROOT, "Share of sampled cached entries older than their rows, per key pattern; summed"
                + " over %s, sampled every %s. An alert is raised above %.1f%%. Drag across the chart to zoom into a span.",
                DisplayFormats.period(s.bucket()), every, source.alertThreshold() * 100));
    }

    private void showRedis(Snapshot s) {
        Optional<Throwable> redisFailure = s.contentsFailure().filter(CacheViewModel::isRedisFailure);
        boolean down = redisFailure.isPresent() || (s.contents().isEmpty() && s.stats().redisDown());
        if (down) {
            String why = redisFailure.map(Throwable::getMessage).orElse("Redis does not answer.");
            redisDownText.set(why + (why.contains("PostgreSQL alone") ? "" : " Reads and writes go on against PostgreSQL alone.")
                    + " Rebuild and invalidation wait until Redis answers; this screen keeps trying every refresh.");
        } else {
            redisDownText.set("");
        }
        // After the text, so whoever sees the banner appear sees why.
        redisDown.set(down);
        s.contentsFailure().filter(f -> !isRedisFailure(f)).ifPresent(f -> {
            redisDetail.set(UserMessages.describe(f, "reading what the cache holds", log));
        });
    }

    private void showPatterns(Snapshot s) {
        if (s.contents().isPresent()) {
            contentsCaption.set("Entries and tombstones counted at " + DisplayFormats.clockTime(contentsReadAt, clock.getZone())
                    + "; counted again every " + CONTENTS_EVERY.toSeconds() + " s, after a rebuild or an invalidation, and on F5.");
        } else if (s.contentsFailure().isPresent()) {
            contentsCaption.set("Entries and tombstones could not be counted; the last counts are not shown.");
        }
        Map<String, CacheInspector.PatternFigures> figures = new LinkedHashMap<>();
        s.contents().ifPresent(o -> o.patterns().forEach(p -> figures.put(p.pattern(), p)));
        List<PatternRow> rows = new ArrayList<>();
        for (String p : CacheKeys.PATTERNS) {
            CacheInspector.PatternFigures f = figures.get(p);
            PatternRow previous = patterns.stream().filter(r -> r.pattern().equals(p)).findFirst().orElse(null);
            // Contents are read less often than the rest: keep the last counts until the next count.
            String entries = f != null ? DisplayFormats.count(f.entries()) : previous != null && !s.contentsFailure().isPresent()
                    ? previous.entries() : NOT_LOADED;
            String tombstones = f != null ? DisplayFormats.count(f.tombstones()) : previous != null && !s.contentsFailure().isPresent()
                    ? previous.tombstones() : NOT_LOADED;
            String ttl = f != null ? DisplayFormats.period(f.ttl()) : previous != null ? previous.ttl() : NOT_LOADED;
            Optional<DivergenceSample> latest = s.latest().pattern(p);
            String divergence = latest.map(d -> d.sampled() == 0 ? "nothing cached to sample"
                    : String.format(Locale.ROOT, "%.1f%% (%s of %s)", d.divergence() * 100, DisplayFormats.count(d.divergent()),
                    DisplayFormats.count(d.sampled()))).orElse(s.latest().redisDownSince()
                    .map(since -> "not measured: Redis down since " + DisplayFormats.minuteTime(since, clock.getZone()))
                    .orElse("not sampled yet"));
            String staleness = latest.flatMap(DivergenceSample::oldestStalenessMs)
                    .map(ms -> Durations.human(Duration.ofMillis(ms))).orElse("");
            rows.add(new PatternRow(p, entries, tombstones, ttl, divergence, staleness));
        }
        patterns.setAll(rows);
    }

    private void showCounters(Snapshot s) {
        CacheStats st = s.stats();
        long reads = st.nearHits() + st.redisHits() + st.databaseReads();
        hitRate.set(reads == 0 ? "no reads yet" : String.format(Locale.ROOT, "%.1f%%", st.hitRate() * 100));
        hitRateDetail.set("Reads by this console answered without PostgreSQL: " + DisplayFormats.count(st.nearHits()) + " near cache, "
                + DisplayFormats.count(st.redisHits()) + " Redis, " + DisplayFormats.count(st.databaseReads()) + " PostgreSQL."
                + (st.nearEnabled() ? " Near cache holds " + DisplayFormats.count(st.nearEntries()) + " entries." : ""));
        s.contents().ifPresent(o -> {
            redisMemory.set(o.usedMemory());
            long all = o.keyspaceHits() + o.keyspaceMisses();
            redisDetail.set("Redis " + o.redisVersion() + "; " + DisplayFormats.count(o.listeningInstances())
                    + (o.listeningInstances() == 1 ? " instance listens" : " instances listen") + " for invalidations; server-wide hit rate "
                    + (all == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * o.keyspaceHits() / all)) + ".");
            invalidations.set(DisplayFormats.count(o.missedWaiting()));
            invalidationsDetail.set(o.missedWaiting() == 0 ? "No invalidation waits to be replayed."
                    : "Invalidations recorded while Redis was away, replayed as soon as it answers.");
        });
        if (s.contents().isEmpty() && redisDown.get()) {
            redisMemory.set(NOT_LOADED);
            redisDetail.set("Unknown while Redis does not answer.");
        }
    }

    private void showFailure(Throwable failure) {
        readStatus.failed(failure, "refreshing the cache screen", log);
    }

    // Rebuild ----------------------------------------------------------------------------------------------------

    /** Starts rebuilding {@link #rebuildPatternProperty()} from PostgreSQL, unless a rebuild is under way. */
    public void rebuild() {
        if (!mayManage || rebuilding.get()) {
            return;
        }
        String pattern = rebuildPattern.get();
        AtomicBoolean cancel = new AtomicBoolean();
        rebuildCancel = cancel;
        rebuildUnits.set(null);
        rebuilding.set(true);
        cancelRequested.set(false);
        rebuildProgress.set(-1);
        rebuildError.set("");
        rebuildStatus.set("Starting the rebuild of " + describe(pattern) + "…");
        runner.run(progress -> source.rebuild(pattern, (message, done, total) -> {
            if (done >= 0 && total >= 0) {
                rebuildUnits.set(new Units(done, total));
            }
            progress.progress(message, done, total);
        }, cancel::get), this::showRebuildProgress, this::showRebuilt, this::showRebuildFailure);
    }

    private void showRebuildProgress(String message) {
        if (!rebuilding.get()) {
            return;
        }
        Units u = rebuildUnits.get();
        if (u != null) {
            rebuildProgress.set(u.total() == 0 ? 1 : Math.min(1, (double) u.done() / u.total()));
        }
        rebuildStatus.set(cancelRequested.get() ? "Cancelling after the current page… " + message : message);
    }

    private void showRebuilt(CacheRebuilder.Result r) {
        rebuilding.set(false);
        cancelRequested.set(false);
        if (r.cancelled()) {
            rebuildProgress.set(r.total() == 0 ? 0 : Math.min(1, (double) r.done() / r.total()));
            rebuildStatus.set(String.format(Locale.ROOT, "Rebuild of %s cancelled after %s of %s entries in %s; what was written"
                    + " stays, the rest fills on the next read.", describe(r.pattern()), DisplayFormats.count(r.done()),
                    DisplayFormats.count(r.total()), Durations.human(r.duration())));
        } else {
            rebuildProgress.set(1);
            rebuildStatus.set(String.format(Locale.ROOT, "Rebuilt %s: %s entries written%s in %s (%s/s).", describe(r.pattern()),
                    DisplayFormats.count(r.written()), r.refused() == 0 ? ""
                            : ", " + DisplayFormats.count(r.refused()) + " left to the next read because a write came first",
                    Durations.human(r.duration()), DisplayFormats.count(Math.round(r.perSecond()))));
        }
        refresh();
    }

    private void showRebuildFailure(Throwable failure) {
        rebuilding.set(false);
        cancelRequested.set(false);
        rebuildProgress.set(0);
        rebuildStatus.set("");
        rebuildError.set(UserMessages.describe(failure, "rebuilding the cache", log));
        refresh();
    }

    /** Asks the running rebuild to stop after the page it is writing. */
    public void cancelRebuild() {
        if (rebuilding.get()) {
            rebuildCancel.set(true);
            cancelRequested.set(true);
            rebuildStatus.set("Cancelling after the current page…");
        }
    }

    private static String describe(String pattern) {
        return pattern.equals("*") ? "every pattern" : pattern;
    }

    // Invalidate -------------------------------------------------------------------------------------------------

    /** Checks the typed pattern and asks for confirmation; a malformed pattern is explained instead. */
    public void requestInvalidate() {
        if (!mayManage || invalidating.get()) {
            return;
        }
        String pattern = invalidatePattern.get() == null ? "" : invalidatePattern.get().strip();
        invalidateResult.set("");
        try {
            CacheAdministration.checkInvalidationPattern(pattern); // every rule the engine refuses by, before asking
        } catch (IllegalArgumentException e) {
            invalidateError.set(sentence(e.getMessage()));
            return;
        }
        invalidateError.set("");
        invalidateQuestion.set("Drop every cached entry matching " + (pattern.equals("*") ? "any pattern (*)" : pattern)
                + " from Redis and from every instance's near cache? The next read of each key goes to PostgreSQL.");
        confirmingInvalidate.set(true);
    }

    /** Invalidates the confirmed pattern. */
    public void confirmInvalidate() {
        if (!confirmingInvalidate.get() || invalidating.get()) {
            return;
        }
        String pattern = invalidatePattern.get().strip();
        confirmingInvalidate.set(false);
        invalidating.set(true);
        runner.run(progress -> source.invalidate(pattern), removed -> {
            invalidating.set(false);
            invalidateResult.set(removed.map(n -> "Invalidated " + DisplayFormats.count(n) + (n == 1 ? " cached entry" : " cached entries")
                    + " matching " + pattern + ", on every instance.").orElse("Redis does not answer: the invalidation of " + pattern
                    + " was recorded and is applied as soon as Redis answers again."));
            refresh();
        }, failure -> {
            invalidating.set(false);
            invalidateError.set(failure instanceof IllegalArgumentException ? sentence(failure.getMessage())
                    : UserMessages.describe(failure, "invalidating " + pattern, log));
        });
    }

    public void cancelInvalidate() {
        confirmingInvalidate.set(false);
    }

    /** The engine's pattern messages start in lower case and end without a stop, to fit the CLI's "error: …". */
    private static String sentence(String message) {
        if (message == null || message.isEmpty()) {
            return UserMessages.UNEXPECTED;
        }
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    // Axis labels ------------------------------------------------------------------------------------------------

    /** A tick label of the chart's time axis: "14:05" in a day's span, "05-02 14:00" in longer ones. */
    public String timeLabel(double epochSecond) {
        return chartRange.timeLabel(epochSecond);
    }

    // Properties -------------------------------------------------------------------------------------------------

    /** The chart's range and zoom. */
    public ChartRange chartRange() {
        return chartRange;
    }

    /** What the chart shows, in words: "14:05 – 15:05 (last hour)", "Zoomed to 14:20 – 14:35 of last hour". */
    public ReadOnlyStringProperty chartShownProperty() {
        return chartShown;
    }

    /** "No samples before 14:02." when the history starts inside the shown span; empty when it covers it. */
    public ReadOnlyStringProperty chartGapProperty() {
        return chartGap;
    }

    /** One line per key pattern that has samples in the window, in {@link CacheKeys#PATTERNS} order. */
    public ObservableList<PatternSeries> series() {
        return series;
    }

    public ReadOnlyBooleanProperty chartEmptyProperty() {
        return chartEmpty;
    }

    /** What the chart shows once samples exist, and why it is empty now. */
    public ReadOnlyStringProperty chartEmptyTextProperty() {
        return chartEmptyText;
    }

    /** The time axis' range and tick unit, in epoch seconds: the window ending at the last read. */
    public ReadOnlyDoubleProperty chartFromProperty() {
        return chartFrom;
    }

    public ReadOnlyDoubleProperty chartToProperty() {
        return chartTo;
    }

    public ReadOnlyDoubleProperty chartTickProperty() {
        return chartTick;
    }

    public ReadOnlyStringProperty contentsCaptionProperty() {
        return contentsCaption;
    }

    public ReadOnlyStringProperty chartCaptionProperty() {
        return chartCaption;
    }

    public ObservableList<PatternRow> patterns() {
        return patterns;
    }

    public ReadOnlyStringProperty hitRateProperty() {
        return hitRate;
    }

    public ReadOnlyStringProperty hitRateDetailProperty() {
        return hitRateDetail;
    }

    public ReadOnlyStringProperty redisMemoryProperty() {
        return redisMemory;
    }

    public ReadOnlyStringProperty redisDetailProperty() {
        return redisDetail;
    }

    public ReadOnlyStringProperty invalidationsProperty() {
        return invalidations;
    }

    public ReadOnlyStringProperty invalidationsDetailProperty() {
        return invalidationsDetail;
    }

    public ReadOnlyBooleanProperty redisDownProperty() {
        return redisDown;
    }

    /** Why the cache cannot be used now and what goes on meanwhile; empty while Redis answers. */
    public ReadOnlyStringProperty redisDownTextProperty() {
        return redisDownText;
    }

    public ReadOnlyStringProperty errorProperty() {
        return readStatus.errorProperty();
    }

    public ReadOnlyStringProperty errorDetailProperty() {
        return readStatus.errorDetailProperty();
    }

    public ReadOnlyStringProperty updatedAtProperty() {
        return readStatus.updatedAtProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return live.readingProperty();
    }

    /** Whether the user may rebuild and invalidate. */
    public boolean mayManage() {
        return mayManage;
    }

    /** "Rebuild and invalidation need the permission to manage the cache." for users without it, else empty. */
    public String manageHint() {
        return mayManage ? "" : "Your role may look at the cache but not rebuild or invalidate it.";
    }

    public List<String> rebuildPatterns() {
        return REBUILD_PATTERNS;
    }

    public StringProperty rebuildPatternProperty() {
        return rebuildPattern;
    }

    public ReadOnlyBooleanProperty rebuildingProperty() {
        return rebuilding;
    }

    public ReadOnlyBooleanProperty cancelRequestedProperty() {
        return cancelRequested;
    }

    /** 0 to 1; -1 (indeterminate) until the first figures arrive. */
    public ReadOnlyDoubleProperty rebuildProgressProperty() {
        return rebuildProgress;
    }

    /** The rebuild's progress sentence (done, rate, time left), then its result. */
    public ReadOnlyStringProperty rebuildStatusProperty() {
        return rebuildStatus;
    }

    public ReadOnlyStringProperty rebuildErrorProperty() {
        return rebuildError;
    }

    /** Rebuild and invalidation are unavailable: not allowed, or one of them is running. */
    public BooleanBinding actionsDisabledProperty() {
        return actionsDisabled;
    }

    public StringProperty invalidatePatternProperty() {
        return invalidatePattern;
    }

    public ReadOnlyStringProperty invalidateErrorProperty() {
        return invalidateError;
    }

    public ReadOnlyBooleanProperty confirmingInvalidateProperty() {
        return confirmingInvalidate;
    }

    public ReadOnlyStringProperty invalidateQuestionProperty() {
        return invalidateQuestion;
    }

    public ReadOnlyBooleanProperty invalidatingProperty() {
        return invalidating;
    }

    public ReadOnlyStringProperty invalidateResultProperty() {
        return invalidateResult;
    }
}
