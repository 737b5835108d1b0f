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
import org.nstcg.integrity.engine.registration.RegistrationSaga;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads the console overview's {@link OverviewFigures}: the platform figures, then four small statements on one
 * connection (sagas by hour, divergence by hour, the latest divergence round, the latest check runs), each served by an
 * existing index, so the whole read stays well under a second on a million users ({@code bench console}).
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

    private static final String REJECTED = SagaOrchestrator.REJECTED_PREFIX + "%";

    private static final String SAGAS_SQL = "SELECT least(23, greatest(0, floor(extract(epoch FROM now() - created_at) / 3600)))::int,"
            + " count(*) FILTER (WHERE saga_type = ? AND status = 'COMPLETED'),"
            + " count(*) FILTER (WHERE status = 'COMPLETED' OR status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?),"
            + " count(*) FILTER (WHERE status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?)"
            + " FROM sagas WHERE created_at > now() - interval '24 hours' GROUP BY 1";
    /** Refused sign-ups of every instance and path (RefusalCounter), by hour. */
    private static final String BLOCKED_SQL = "SELECT least(23, greatest(0, floor(extract(epoch FROM now() - minute) / 3600)))::int,"
            + " sum(refusals) FROM signup_refusals WHERE minute > now() - interval '24 hours' AND reason = ? GROUP BY 1";
    private static final String DIVERGENCE_SQL = "SELECT least(23, greatest(0, floor(extract(epoch FROM now() - sampled_at) / 3600)))::int,"
            + " sum(sampled), sum(divergent) FROM cache_divergence_samples WHERE sampled_at > now() - interval '24 hours' GROUP BY 1";
    // A round stores every key pattern under one sampled_at: the newest instant is the newest round (of one instance).
    private static final String LATEST_ROUND_SQL = "SELECT max(sampled_at), sum(sampled), sum(divergent) FROM cache_divergence_samples"
            + " WHERE sampled_at = (SELECT max(sampled_at) FROM cache_divergence_samples) AND sampled_at > now() - interval '24 hours'";
    private static final String RUNS_SQL = "SELECT r.id, r.started_at, r.status, coalesce(sum(c.findings_total), 0),"
            + " count(c.check_name) FILTER (WHERE c.status <> 'passed')"
            + " FROM (SELECT id, started_at, status FROM integrity_check_runs ORDER BY id DESC LIMIT " + OverviewFigures.RUNS + ") r"
            + " LEFT JOIN integrity_check_results c ON c.run_id = r.id GROUP BY r.id, r.started_at, r.status ORDER BY r.id DESC";

    private final Jdbc jdbc;
    private final Supplier<PlatformFigures> platform;
    private final Supplier<List<Alert>> recentAlerts;
    private final double divergenceThreshold;
    private final Clock clock;

    /**
     * @param platform            the platform's headline figures ({@code engine::figures})
     * @param recentAlerts        alerts of the last 24 h, newest first (from {@code engine.alertLog().since(...)})
     * @param divergenceThreshold the cache inconsistency alert threshold, 0 to 1
     * @param clock               dates the in-memory alerts
     */
    public OverviewReader(Jdbc jdbc, Supplier<PlatformFigures> platform, Supplier<List<Alert>> recentAlerts,
                          double divergenceThreshold, Clock clock) {
        this.jdbc = jdbc;
        this.platform = platform;
        this.recentAlerts = recentAlerts;
        this.divergenceThreshold = divergenceThreshold;
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

    /** The four statements on one connection, then the alerts. */
    private OverviewFigures read(Tx tx, PlatformFigures figures) {
        long[] registrations = new long[OverviewFigures.HOURS];
        long[] blocked = new long[OverviewFigures.HOURS];
        long[] finished = new long[OverviewFigures.HOURS];
        long[] rolledBack = new long[OverviewFigures.HOURS];
        tx.each(SAGAS_SQL, 0, rs -> {
            int slot = slot(rs.getInt(1));
            registrations[slot] = rs.getLong(2);
            finished[slot] = rs.getLong(3);
            rolledBack[slot] = rs.getLong(4);
        }, RegistrationSaga.TYPE, REJECTED, REJECTED);
        tx.each(BLOCKED_SQL, 0, rs -> blocked[slot(rs.getInt(1))] = rs.getLong(2), RegistrationSaga.Refusal.ALREADY_REGISTERED.code());
        List<Double> ratePerHour = new ArrayList<>();
        for (int i = 0; i < OverviewFigures.HOURS; i++) {
            ratePerHour.add(finished[i] == 0 ? 0.0 : (double) rolledBack[i] / finished[i]);
        }
        OverviewFigures.Sagas sagas = new OverviewFigures.Sagas(sum(finished), sum(rolledBack), ratePerHour);

        Double[] divergence = new Double[OverviewFigures.HOURS];
        java.util.Arrays.fill(divergence, 0.0);
        tx.each(DIVERGENCE_SQL, 0, rs -> {
            long sampled = rs.getLong(2);
            divergence[slot(rs.getInt(1))] = sampled == 0 ? 0.0 : (double) rs.getLong(3) / sampled;
        });
        Optional<OverviewFigures.DivergenceRound> round = tx.first(LATEST_ROUND_SQL,
                rs -> rs.getInstant(1) == null ? null : new OverviewFigures.DivergenceRound(rs.getInstant(1), rs.getLong(2), rs.getLong(3)));

        List<OverviewFigures.CheckRunFigures> runs = tx.list(RUNS_SQL, rs -> new OverviewFigures.CheckRunFigures(rs.getLong(1),
                rs.getInstant(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));

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
                divergenceThreshold, alerts, list(alertsPerHour), runs, figures.readAt());
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
