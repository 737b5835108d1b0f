package org.nstcg.integrity.engine.integrity;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.registration.RefusalCounter;
import org.nstcg.integrity.engine.registration.RegistrationSaga;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads the console overview's {@link OverviewFigures}: the platform figures, then five small statements on one
 * connection (sagas by hour, refused sign-ups by hour, divergence by hour, the latest divergence round, the latest
 * check runs; {@link OverviewStore}'s), each served by an existing index, so the whole read stays well under a second
 * on a million users ({@code bench console}).
 *
 * <p>Design notes. Every hourly trend is bucketed by whole hours before the database's {@code now()} (bucket 0 is
 * the last 60 minutes), so no time zone or clock skew between the console and the server shifts a bucket. The saga
 * figures (registrations, refusals, rollbacks) come from one pass over the last 24 h of {@code sagas} by
 * {@code created_at} ({@code sagas_created_ix}); {@code SagaService.metrics} counts rollbacks by
 * {@code finished_at}, which has no index: a saga is finished within seconds of its creation, so the two agree but
 * for sagas that straddle the 24 h edge. Refused sign-ups come from {@code signup_refusals}, every instance's and
 * every path's, as {@link CheckAlerts} counts blocked registrations.
 * Alerts are those of every instance, from the {@link AlertLog} (the caller passes its read of the last 24 h).
 */
public final class OverviewReader {

    /** The LIKE pattern of a refusal's saga error: a refusal is not a rollback. */
    private static final String REJECTED = SagaOrchestrator.REJECTED_PREFIX + "%";

    private final Jdbc jdbc;
    private final OverviewStore store = new OverviewStore();
    private final Supplier<PlatformFigures> platform;
    private final Supplier<List<Alert>> recentAlerts;
    private final double divergenceThreshold;
    private final Supplier<Optional<Instant>> divergenceUnmeasuredSince;
    private final Clock clock;

    /**
     * @param platform            the platform's headline figures ({@code engine::figures})
     * @param recentAlerts        alerts of the last 24 h, newest first (from {@code engine.alertLog().since(...)})
     * @param divergenceThreshold the cache inconsistency alert threshold, 0 to 1
     * @param clock               dates the in-memory alerts
     */
    public OverviewReader(Jdbc jdbc, Supplier<PlatformFigures> platform, Supplier<List<Alert>> recentAlerts,
                          double divergenceThreshold, Clock clock) {
        this(jdbc, platform, recentAlerts, divergenceThreshold, Optional::empty, clock);
    }

    /**
     * @param divergenceUnmeasuredSince while the divergence cannot be measured (Redis does not answer), since when
     *                                  ({@code DivergenceSampler.latest()}'s); no I/O
     */
    public OverviewReader(Jdbc jdbc, Supplier<PlatformFigures> platform, Supplier<List<Alert>> recentAlerts,
                          double divergenceThreshold, Supplier<Optional<Instant>> divergenceUnmeasuredSince, Clock clock) {
        this.jdbc = jdbc;
        this.platform = platform;
        this.recentAlerts = recentAlerts;
        this.divergenceThreshold = divergenceThreshold;
        this.divergenceUnmeasuredSince = divergenceUnmeasuredSince;
        this.clock = clock;
    }

    /**
     * Reads every figure now, if {@code by} may see the overview.
     *
     * @throws EngineException when PostgreSQL cannot answer
     */
    public OverviewFigures read(Actor by) {
        by.authorize(Permission.VIEW_OVERVIEW);
        PlatformFigures figures = platform.get();
        return jdbc.read("read the overview figures", tx -> read(tx, figures));
    }

    /**
     * The "sign-ups blocked (24 h)" figure alone, if {@code by} may see the overview: the sum of
     * {@link OverviewFigures#blockedPerHour()} as {@link #read} reads it (every instance's refusals as already
     * registered, whichever path refused them), for faces that show it without the rest ({@code status --json}).
     *
     * @throws EngineException when PostgreSQL cannot answer
     */
    public long blockedLastDay(Actor by) {
        by.authorize(Permission.VIEW_OVERVIEW);
        return jdbc.read("read the overview figures", tx -> store.refusalsByHour(tx, RegistrationSaga.Refusal.ALREADY_REGISTERED.code())
                .stream().mapToLong(OverviewStore.RefusalHour::refusals).sum());
    }

    /**
     * The trends over [from, to) in buckets of {@code bucket}, if {@code by} may see the overview: read from the stored
     * history (sagas, refused sign-ups, divergence samples, the alert log), {@link Double#NaN} where none covers a bucket.
     *
     * <p>Where a figure's history starts: the platform's oldest record of any kind (its oldest saga, refusal, sample or
     * alert: before it there was nothing to count), or the oldest time the figure is kept for if that is later; for
     * the divergence, the oldest stored sample, and a bucket without a sample has no value at all.
     *
     * @throws IllegalArgumentException when the span is empty or needs more than {@link OverviewTrends#MAX_BUCKETS}
     * @throws EngineException          when PostgreSQL cannot answer
     */
    public OverviewTrends trends(Actor by, Instant from, Instant to, Duration bucket) {
        by.authorize(Permission.VIEW_OVERVIEW);
        int n = OverviewTrends.buckets(from, to, bucket);
        long seconds = Math.max(1, bucket.toSeconds());
        Instant now = clock.instant();
        return jdbc.read("read the overview trends", tx -> {
            List<Instant> oldest = store.oldest(tx);
            Optional<Instant> platformSince = oldest.stream().filter(java.util.Objects::nonNull).min(Instant::compareTo);
            double[] registrations = new double[n];
            double[] finished = new double[n];
            double[] rolledBack = new double[n];
            for (OverviewStore.Bucket b : store.sagasByBucket(tx, from, to, seconds, RegistrationSaga.TYPE, REJECTED)) {
                if (b.index() >= 0 && b.index() < n) {
                    registrations[b.index()] = b.a();
                    finished[b.index()] = b.b();
                    rolledBack[b.index()] = b.c();
                }
            }
            double[] rate = new double[n];
            for (int i = 0; i < n; i++) {
                rate[i] = finished[i] == 0 ? 0 : rolledBack[i] / finished[i];
            }
            double[] blocked = counts(store.refusalsByBucket(tx, from, to, seconds, RegistrationSaga.Refusal.ALREADY_REGISTERED.code()), n);
            double[] alerts = counts(store.alertsByBucket(tx, from, to, seconds), n);
            double[] divergence = new double[n];
            java.util.Arrays.fill(divergence, Double.NaN);
            for (OverviewStore.Bucket b : store.divergenceByBucket(tx, from, to, seconds)) {
                if (b.index() >= 0 && b.index() < n) {
                    divergence[b.index()] = b.a() == 0 ? 0 : (double) b.b() / b.a();
                }
            }
            Optional<Instant> sagasSince = platformSince;
            Optional<Instant> blockedSince = platformSince.map(p -> later(p, now.minus(RefusalCounter.KEEP)));
            Optional<Instant> alertsSince = platformSince.map(p -> later(p, now.minus(AlertLog.KEPT)));
            Optional<Instant> divergenceSince = Optional.ofNullable(oldest.get(2)).map(p -> later(p, now.minus(DivergenceSampler.RETENTION)));
            return new OverviewTrends(from, to, bucket, trend(registrations, sagasSince, from, bucket),
                    trend(blocked, blockedSince, from, bucket), trend(rate, sagasSince, from, bucket),
                    trend(divergence, divergenceSince, from, bucket), trend(alerts, alertsSince, from, bucket));
        });
    }

    private static double[] counts(List<OverviewStore.Bucket> buckets, int n) {
        double[] out = new double[n];
        for (OverviewStore.Bucket b : buckets) {
            if (b.index() >= 0 && b.index() < n) {
                out[b.index()] = b.a();
            }
        }
        return out;
    }

    /** The values as a trend, NaN in every bucket that ends at or before the history's start (all of them without one). */
    private static OverviewTrends.Trend trend(double[] values, Optional<Instant> since, Instant from, Duration bucket) {
        List<Double> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            Instant end = from.plus(bucket.multipliedBy(i + 1L));
            out.add(since.isEmpty() || !end.isAfter(since.get()) ? Double.NaN : values[i]);
        }
        return new OverviewTrends.Trend(out, since);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** The five statements on one connection, then the alerts. */
    private OverviewFigures read(Tx tx, PlatformFigures figures) {
        long[] registrations = new long[OverviewFigures.HOURS];
        long[] blocked = new long[OverviewFigures.HOURS];
        long[] finished = new long[OverviewFigures.HOURS];
        long[] rolledBack = new long[OverviewFigures.HOURS];
        for (OverviewStore.SagaHour h : store.sagasByHour(tx, RegistrationSaga.TYPE, REJECTED)) {
            int slot = slot(h.hoursAgo());
            registrations[slot] = h.registrations();
            finished[slot] = h.finished();
            rolledBack[slot] = h.rolledBack();
        }
        for (OverviewStore.RefusalHour h : store.refusalsByHour(tx, RegistrationSaga.Refusal.ALREADY_REGISTERED.code())) {
            blocked[slot(h.hoursAgo())] = h.refusals();
        }
        List<Double> ratePerHour = new ArrayList<>();
        for (int i = 0; i < OverviewFigures.HOURS; i++) {
            ratePerHour.add(finished[i] == 0 ? 0.0 : (double) rolledBack[i] / finished[i]);
        }
        OverviewFigures.Sagas sagas = new OverviewFigures.Sagas(sum(finished), sum(rolledBack), ratePerHour);

        Double[] divergence = new Double[OverviewFigures.HOURS];
        java.util.Arrays.fill(divergence, 0.0);
        for (OverviewStore.DivergenceHour h : store.divergenceByHour(tx)) {
            divergence[slot(h.hoursAgo())] = h.sampled() == 0 ? 0.0 : (double) h.divergent() / h.sampled();
        }
        Optional<OverviewFigures.DivergenceRound> round = store.latestRound(tx);

        List<OverviewFigures.CheckRunFigures> runs = store.latestRuns(tx);

        Instant now = clock.instant();
        List<Alert> alerts = new ArrayList<>();
        long[] alertsPerHour = new long[OverviewFigures.HOURS];
        for (Alert a : recentAlerts.get()) {
            long hoursAgo = Duration.between(a.at(), now).toHours();
            if (!a.at().isAfter(now.minus(Duration.ofHours(OverviewFigures.HOURS)))) {
                continue;
            }
            alerts.add(a);
            alertsPerHour[slot((int) Math.max(0, hoursAgo))]++;
        }
        return new OverviewFigures(figures, list(registrations), list(blocked), sagas, round, List.of(divergence),
                divergenceThreshold, alerts, list(alertsPerHour), runs, figures.readAt(), divergenceUnmeasuredSince.get());
    }

    /** Hours ago (0 = the last hour) to the index in an oldest-first trend. */
    private static int slot(int hoursAgo) {
        return OverviewFigures.HOURS - 1 - Math.max(0, Math.min(OverviewFigures.HOURS - 1, hoursAgo));
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    private static List<Long> list(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return Collections.unmodifiableList(out);
    }
}
