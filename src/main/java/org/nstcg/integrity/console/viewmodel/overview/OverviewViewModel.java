package org.nstcg.integrity.console.viewmodel.overview;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.ChartRange;
import org.nstcg.integrity.console.viewmodel.ReadStatus;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.integrity.OverviewFigures;
import org.nstcg.integrity.engine.integrity.OverviewTrends;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.support.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview's state: six tiles (users, registrations blocked, saga rollback rate, cache divergence, alerts, last
 * check run), each a figure with a trend and a click-through; the platform's other headline figures; when they were
 * read, and why the last refresh failed. Figures are read through the {@link FxTaskRunner}, on demand and every
 * refresh period while the overview is active; a failed refresh keeps the last figures and says why.
 */
public final class OverviewViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(OverviewViewModel.class);
    /** Shown in a tile before the first figures arrive. */
    public static final String NOT_LOADED = "—";
    /** The "last update" figure when there is no user at all. */
    public static final String NO_USERS = "No users yet";
    /** The last-check tile when no check ever ran. */
    public static final String NEVER_RUN = "Never run";
    /** The divergence tile before the sampler's first round. */
    public static final String NOT_SAMPLED = "Not sampled";
    /** The divergence tile while Redis does not answer: no figure, never 0 %. */
    public static final String NOT_MEASURED = "Not measured";

    private final Clock clock;
    private final ReadStatus readStatus;
    private final LiveRefresh<Snapshot> live;
    private final ChartRange chartRange;
    private final StringProperty trendsShown = new SimpleStringProperty("");

    /** One read: the figures, and the trends over the span shown then (when a trend source is given). */
    private record Snapshot(OverviewFigures figures, Optional<OverviewTrends> trends) {
    }

    private final OverviewTile users;
    private final OverviewTile blocked;
    private final OverviewTile rollbacks;
    private final OverviewTile divergence;
    private final OverviewTile alerts;
    private final OverviewTile lastCheck;

    private final StringProperty activeUsers = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty inactiveUsers = new SimpleStringProperty("");
    private final StringProperty referralCodes = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdate = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdateExact = new SimpleStringProperty("");
    private final StringProperty lastUpdateDetail = new SimpleStringProperty("");
    private final StringProperty refreshHint;

    /**
     * @param mayOpen  whether the signed-in role may see a screen: only those tiles click through
     * @param navigate shows a screen
     */
    public OverviewViewModel(OverviewSource source, Predicate<Feature> mayOpen, Consumer<Feature> navigate, FxTaskRunner runner,
                             Clock clock, Duration refreshPeriod) {
        this(source, null, mayOpen, navigate, runner, clock, refreshPeriod);
    }

    /**
     * @param trends   the trends over a chosen span; {@code null} draws the figures' hourly trends of the last 24 h
     * @param mayOpen  whether the signed-in role may see a screen: only those tiles click through
     * @param navigate shows a screen
     */
    public OverviewViewModel(OverviewSource source, OverviewTrendSource trends, Predicate<Feature> mayOpen, Consumer<Feature> navigate,
                             FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.clock = clock;
        this.chartRange = new ChartRange(clock, TimeRange.LAST_24_HOURS, Duration.ofMinutes(1));
        this.readStatus = new ReadStatus(clock, "The figures", "the figures");
        this.users = tile(Feature.USERS, mayOpen, navigate, "Sign-ups per hour, last 24 h");
        this.blocked = tile(Feature.DUPLICATES, mayOpen, navigate, "Refused sign-ups per hour, last 24 h");
        this.rollbacks = tile(Feature.SAGAS, mayOpen, navigate, "Share of sagas rolled back per hour, last 24 h");
        this.divergence = tile(Feature.CACHE, mayOpen, navigate, "Share of cached entries differing per hour, last 24 h");
        this.alerts = tile(Feature.REPAIRS, mayOpen, navigate, "Alerts per hour, last 24 h");
        this.lastCheck = tile(Feature.REPAIRS, mayOpen, navigate, "Findings of the last " + OverviewFigures.RUNS + " check runs");
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> {
            ChartRange.Span span = chartRange.visible();
            Duration bucket = chartRange.bucket();
            return new Snapshot(source.read(), trends == null ? Optional.empty() : Optional.of(trends.trends(span.from(), span.to(), bucket)));
        }, this::show, this::showFailure);
        chartRange.versionProperty().addListener((o, was, is) -> live.refresh());
        this.refreshHint = new SimpleStringProperty("Figures refresh every " + DisplayFormats.period(refreshPeriod)
                + "; press F5 to refresh now. Click a tile to open its screen.");
    }

    private static OverviewTile tile(Feature target, Predicate<Feature> mayOpen, Consumer<Feature> navigate, String trendCaption) {
        return new OverviewTile(target, mayOpen.test(target), navigate, trendCaption);
    }

    /** Loads the figures now and then every refresh period, until {@link #deactivate()}. */
    @Override
    public void activate() {
        live.activate();
    }

    @Override
    public void deactivate() {
        live.deactivate();
    }

    /** Reads the figures again, unless a read is already under way. */
    @Override
    public void refresh() {
        live.refresh();
    }

    private void show(Snapshot s) {
        show(s.figures());
        s.trends().ifPresent(this::showTrends);
    }

    /** The tiles' trends over the chosen span, each labelled with its times and where its history starts. */
    private void showTrends(OverviewTrends t) {
        String per = per(t.bucket());
        String span = chartRange.describe();
        trendsShown.set(span);
        String from = chartRange.edgeLabel(t.from());
        String to = chartRange.edgeLabel(t.to());
        showTrend(users, t, t.registrations(), "Sign-ups " + per + ", " + span, from, to);
        showTrend(blocked, t, t.blocked(), "Refused sign-ups " + per + ", " + span, from, to);
        showTrend(rollbacks, t, t.rollbackRate(), "Share of sagas rolled back " + per + ", " + span, from, to);
        showTrend(divergence, t, t.divergence(), "Share of cached entries differing " + per + ", " + span, from, to);
        showTrend(alerts, t, t.alerts(), "Alerts " + per + ", " + span, from, to);
    }

    private void showTrend(OverviewTile tile, OverviewTrends t, OverviewTrends.Trend trend, String caption, String from, String to) {
        tile.trend(trend.values());
        Optional<Integer> first = trend.firstCovered();
        String note;
        if (first.isEmpty()) {
            note = "No samples in this span";
        } else {
            Instant start = t.bucketStart(first.get());
            Instant firstSample = trend.since().filter(since -> since.isAfter(start)).orElse(start);
            note = first.get() == 0 ? "" : chartRange.gapBefore(Optional.of(firstSample)).orElse("");
        }
        tile.showSpan(from, to, caption, note);
    }

    /** "per minute", "per 10 min", "per hour", "per day". */
    private static String per(Duration bucket) {
        if (bucket.equals(Duration.ofMinutes(1))) {
            return "per minute";
        }
        if (bucket.equals(Duration.ofHours(1))) {
            return "per hour";
        }
        if (bucket.equals(Duration.ofDays(1))) {
            return "per day";
        }
        return "per " + DisplayFormats.period(bucket);
    }

    private void show(OverviewFigures f) {
        PlatformFigures p = f.platform();
        long signUps = f.registrationsLastDay();
        users.show(DisplayFormats.count(p.users()), signUps == 0 ? "No sign-ups in the last 24 h"
                : "+" + DisplayFormats.count(signUps) + (signUps == 1 ? " sign-up" : " sign-ups") + " in the last 24 h", "", false,
                f.registrationsPerHour());
        blocked.show(DisplayFormats.count(f.blockedLastDay()), "Sign-ups refused in 24 h: the mailbox was already registered", "",
                false, f.blockedPerHour());
        showRollbacks(f.sagas());
        showDivergence(f);
        showAlerts(f);
        showLastCheck(f);

        activeUsers.set(DisplayFormats.count(p.activeUsers()));
        long inactive = p.users() - p.activeUsers();
        inactiveUsers.set(inactive == 0 ? "None merged or archived" : DisplayFormats.count(inactive) + " merged or archived");
        referralCodes.set(DisplayFormats.count(p.referralCodesIssued()));
        lastUpdate.set(p.lastUpdate().map(t -> DisplayFormats.ago(t, p.readAt())).orElse(NO_USERS));
        lastUpdateExact.set(p.lastUpdate().map(t -> DisplayFormats.absolute(t, clock.getZone())).orElse(""));
        lastUpdateDetail.set(p.lastUpdate().isPresent() ? lastUpdateExact.get() : "Shows the newest change once someone signs up");
        readStatus.succeeded();
    }

    private void showRollbacks(OverviewFigures.Sagas s) {
        boolean alarming = s.finished() >= SagaMetrics.MIN_SAMPLE && s.rate() > SagaMetrics.ROLLBACK_ALERT_THRESHOLD;
        String detail = s.finished() == 0 ? "No saga finished in the last 24 h"
                : DisplayFormats.count(s.rolledBack()) + " of " + DisplayFormats.count(s.finished(), "saga", "sagas") + " rolled back in 24 h"
                + (alarming ? " (alert above " + percent(SagaMetrics.ROLLBACK_ALERT_THRESHOLD) + ")" : "");
        rollbacks.show(percent(s.rate()), detail, "Refused sign-ups are not rollbacks and are not counted.", alarming, s.ratePerHour());
    }

    private void showDivergence(OverviewFigures f) {
        if (f.divergenceUnmeasuredSince().isPresent()) {
            Instant since = f.divergenceUnmeasuredSince().get();
            divergence.show(NOT_MEASURED, "Redis unreachable since " + DisplayFormats.minuteTime(since, clock.getZone())
                            + " · nothing can be compared",
                    "Not measured: Redis has not answered since " + DisplayFormats.absolute(since, clock.getZone())
                            + "; the trend shows the samples stored before.", true, f.divergencePerHour());
            return;
        }
        if (f.divergence().isEmpty()) {
            divergence.show(NOT_SAMPLED, "Shows the share of cached entries that differ from PostgreSQL once the sampler has run", "",
                    false, f.divergencePerHour());
            return;
        }
        OverviewFigures.DivergenceRound r = f.divergence().get();
        if (r.sampled() == 0) {
            divergence.show(percent(0), "Nothing cached to compare · sampled " + DisplayFormats.ago(r.sampledAt(), f.readAt()),
                    DisplayFormats.absolute(r.sampledAt(), clock.getZone()), false, f.divergencePerHour());
            return;
        }
        boolean above = r.rate() > f.divergenceThreshold();
        divergence.show(percent(r.rate()), DisplayFormats.count(r.divergent()) + " of " + DisplayFormats.count(r.sampled())
                        + " cached entries differ · sampled " + DisplayFormats.ago(r.sampledAt(), f.readAt())
                        + (above ? " (alert above " + percent(f.divergenceThreshold()) + ")" : ""),
                DisplayFormats.absolute(r.sampledAt(), clock.getZone()), above, f.divergencePerHour());
    }

    private void showAlerts(OverviewFigures f) {
        List<Alert> raised = f.alerts();
        if (raised.isEmpty()) {
            alerts.show("0", "No alert in the last 24 h", "", false, f.alertsPerHour());
            return;
        }
        Alert newest = raised.get(0);
        alerts.show(DisplayFormats.count(raised.size()), "Raised in 24 h; newest " + DisplayFormats.ago(newest.at(), f.readAt())
                        + ", " + newest.severity() + ": " + newest.source(), newest.message(), true, f.alertsPerHour());
    }

    private void showLastCheck(OverviewFigures f) {
        if (f.lastCheckRun().isEmpty()) {
            lastCheck.show(NEVER_RUN, lastCheck.navigable() ? "Run the integrity checks from the Repairs screen"
                    : "An operator or administrator runs the integrity checks", "", false, List.of());
            return;
        }
        OverviewFigures.CheckRunFigures run = f.lastCheckRun().get();
        String outcome = switch (run.status()) {
            case "passed" -> "Passed · no findings";
            case "failed" -> "Failed · " + DisplayFormats.count(run.findings()) + (run.findings() == 1 ? " finding" : " findings")
                    + " in " + run.checksFailing() + (run.checksFailing() == 1 ? " check" : " checks");
            case "error" -> "Error · " + run.checksFailing() + (run.checksFailing() == 1 ? " check" : " checks") + " did not pass";
            case "running" -> "Running now";
            case "cancelled" -> "Cancelled";
            default -> run.status();
        };
        List<Long> findings = new ArrayList<>();
        f.checkRuns().forEach(r -> findings.add(0, r.findings()));
        lastCheck.show(DisplayFormats.ago(run.startedAt(), f.readAt()), "Run " + run.id() + " · " + outcome,
                DisplayFormats.absolute(run.startedAt(), clock.getZone()), run.status().equals("failed") || run.status().equals("error"),
                findings);
    }

    /** "0 %", "0.4 %", "12.5 %"; a share under 0.1 % but above none reads "< 0.1 %" rather than "0.0 %". */
    static String percent(double share) {
        if (share == 0) {
            return "0 %";
        }
        if (share < 0.001) {
            return "< 0.1 %";
        }
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    private void showFailure(Throwable failure) {
        readStatus.failed(failure, "refreshing the overview figures", log);
    }

    /** Users: every user row; sign-ups per hour. Opens Users. */
    public OverviewTile usersTile() {
        return users;
    }

    /** Registrations refused as already registered over 24 h. Opens Duplicates. */
    public OverviewTile blockedTile() {
        return blocked;
    }

    /** Saga rollback rate over 24 h. Opens Sagas. */
    public OverviewTile rollbackTile() {
        return rollbacks;
    }

    /** Cache divergence of the latest sampling round. Opens Cache. */
    public OverviewTile divergenceTile() {
        return divergence;
    }

    /** Alerts raised over 24 h. Opens Repairs. */
    public OverviewTile alertsTile() {
        return alerts;
    }

    /** When the integrity checks last ran and what they found. Opens Repairs. */
    public OverviewTile lastCheckTile() {
        return lastCheck;
    }

    /** The trends' range and zoom (the last check's trend is per run, not over time). */
    public ChartRange chartRange() {
        return chartRange;
    }

    /** What the trends show, in words: "12-03 15:00 – 12-04 15:00 (last 24 hours)"; empty before the first read. */
    public ReadOnlyStringProperty trendsShownProperty() {
        return trendsShown;
    }

    /** The users count (the users tile's figure). */
    public ReadOnlyStringProperty usersProperty() {
        return users.valueProperty();
    }

    public ReadOnlyStringProperty activeUsersProperty() {
        return activeUsers;
    }

    /** "3 merged or archived": the users that are not active. */
    public ReadOnlyStringProperty inactiveUsersProperty() {
        return inactiveUsers;
    }

    public ReadOnlyStringProperty referralCodesProperty() {
        return referralCodes;
    }

    /** "3 min ago", or {@link #NO_USERS}. */
    public ReadOnlyStringProperty lastUpdateProperty() {
        return lastUpdate;
    }

    /** The absolute time of the last update, for a tooltip; empty when there is none. */
    public ReadOnlyStringProperty lastUpdateExactProperty() {
        return lastUpdateExact;
    }

    /** Under the "last update" figure: its absolute time, or what it will show. */
    public ReadOnlyStringProperty lastUpdateDetailProperty() {
        return lastUpdateDetail;
    }

    /** "Figures refresh every 5 s; press F5 to refresh now. …" */
    public ReadOnlyStringProperty refreshHintProperty() {
        return refreshHint;
    }

    /** "Updated 14:05:09". */
    public ReadOnlyStringProperty updatedAtProperty() {
        return readStatus.updatedAtProperty();
    }

    /** That the last refresh failed and which figures are shown instead; empty after a successful one. */
    public ReadOnlyStringProperty errorProperty() {
        return readStatus.errorProperty();
    }

    /** Why the last refresh failed, as the engine explains it; empty after a successful one. */
    public ReadOnlyStringProperty errorDetailProperty() {
        return readStatus.errorDetailProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return live.readingProperty();
    }
}
