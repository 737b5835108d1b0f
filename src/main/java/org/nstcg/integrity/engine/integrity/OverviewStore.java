package org.nstcg.integrity.engine.integrity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of the console overview, each statement in the caller's {@link Tx} and each served by an existing index:
 * the hourly trends of the last 24 h, bucketed by whole hours before the database's {@code now()} (0 = the last 60
 * minutes, 23 the oldest), the latest divergence round and the latest check runs. Turning them into
 * {@link OverviewFigures} is {@link OverviewReader}'s.
 */
final class OverviewStore {

    /** One hour of sagas created: registrations completed, sagas finished and rolled back (refusals excluded). */
    record SagaHour(int hoursAgo, long registrations, long finished, long rolledBack) {
    }

    /** One hour of refused sign-ups. */
    record RefusalHour(int hoursAgo, long refusals) {
    }

    /** One hour of cache divergence samples: keys sampled and found divergent. */
    record DivergenceHour(int hoursAgo, long sampled, long divergent) {
    }

    /**
     * Sagas created in the last 24 h by hour ({@code sagas_created_ix}): completed sagas of {@code registrationType},
     * sagas finished, and those compensated; a compensated saga whose error is LIKE {@code refusalPattern} (a
     * refusal, not a rollback) is counted in neither of the last two.
     */
    List<SagaHour> sagasByHour(Tx tx, String registrationType, String refusalPattern) {
        return tx.list("SELECT least(23, greatest(0, floor(extract(epoch FROM now() - created_at) / 3600)))::int,"
                + " count(*) FILTER (WHERE saga_type = ? AND status = 'COMPLETED'),"
                + " count(*) FILTER (WHERE status = 'COMPLETED' OR status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?),"
                + " count(*) FILTER (WHERE status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?)"
                + " FROM sagas WHERE created_at > now() - interval '24 hours' GROUP BY 1",
                r -> new SagaHour(r.getInt(1), r.getLong(2), r.getLong(3), r.getLong(4)), registrationType, refusalPattern, refusalPattern);
    }

    /**
     * Sign-ups refused for {@code reason} in the last 24 h by hour: every instance's and every
     * path's ({@code signup_refusals}, written by the registration's {@code RefusalCounter}).
     */
    List<RefusalHour> refusalsByHour(Tx tx, String reason) {
        return tx.list("SELECT least(23, greatest(0, floor(extract(epoch FROM now() - minute) / 3600)))::int,"
                + " sum(refusals) FROM signup_refusals WHERE minute > now() - interval '24 hours' AND reason = ? GROUP BY 1",
                r -> new RefusalHour(r.getInt(1), r.getLong(2)), reason);
    }

    /** Cache divergence samples of the last 24 h by hour. */
    List<DivergenceHour> divergenceByHour(Tx tx) {
        return tx.list("SELECT least(23, greatest(0, floor(extract(epoch FROM now() - sampled_at) / 3600)))::int,"
                + " sum(sampled), sum(divergent) FROM cache_divergence_samples WHERE sampled_at > now() - interval '24 hours' GROUP BY 1",
                r -> new DivergenceHour(r.getInt(1), r.getLong(2), r.getLong(3)));
    }

    /** The newest divergence round of the last 24 h (of one instance), if there was one. */
    Optional<OverviewFigures.DivergenceRound> latestRound(Tx tx) {
        // A round stores every key pattern under one sampled_at: the newest instant is the newest round (of one instance).
        return tx.first("SELECT max(sampled_at), sum(sampled), sum(divergent) FROM cache_divergence_samples"
                + " WHERE sampled_at = (SELECT max(sampled_at) FROM cache_divergence_samples) AND sampled_at > now() - interval '24 hours'",
                r -> r.getInstant(1) == null ? null : new OverviewFigures.DivergenceRound(r.getInstant(1), r.getLong(2), r.getLong(3)));
    }

    /** The latest {@value OverviewFigures#RUNS} check runs, newest first: total findings and checks that did not pass. */
    List<OverviewFigures.CheckRunFigures> latestRuns(Tx tx) {
        return tx.list("SELECT r.id, r.started_at, r.status, coalesce(sum(c.findings_total), 0),"
                + " count(c.check_name) FILTER (WHERE c.status <> 'passed')"
                + " FROM (SELECT id, started_at, status FROM integrity_check_runs ORDER BY id DESC LIMIT " + OverviewFigures.RUNS + ") r"
                + " LEFT JOIN integrity_check_results c ON c.run_id = r.id GROUP BY r.id, r.started_at, r.status ORDER BY r.id DESC",
                r -> new OverviewFigures.CheckRunFigures(r.getLong(1), r.getInstant(2), r.getString(3), r.getLong(4), r.getLong(5)));
    }

    /** A bucket of a chosen span: its index from the span's start, and two figures (what each is depends on the query). */
    record Bucket(int index, long a, long b, long c) {
    }

    /** The bucket index of {@code column} within [from, to) in buckets of {@code seconds}: SQL for a GROUP BY. */
    private static String index(String column) {
        return "floor(extract(epoch FROM " + column + " - ?::timestamptz) / ?)::int";
    }

    /** Sagas created in [from, to) per bucket: registrations completed, finished, rolled back (refusals excluded). */
    List<Bucket> sagasByBucket(Tx tx, Instant from, Instant to, long seconds, String registrationType, String refusalPattern) {
        return tx.list("SELECT " + index("created_at") + ","
                + " count(*) FILTER (WHERE saga_type = ? AND status = 'COMPLETED'),"
                + " count(*) FILTER (WHERE status = 'COMPLETED' OR status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?),"
                + " count(*) FILTER (WHERE status = 'COMPENSATED' AND coalesce(last_error, '') NOT LIKE ?)"
                + " FROM sagas WHERE created_at >= ? AND created_at < ? GROUP BY 1",
                r -> new Bucket(r.getInt(1), r.getLong(2), r.getLong(3), r.getLong(4)),
                from, seconds, registrationType, refusalPattern, refusalPattern, from, to);
    }

    /** Sign-ups refused for {@code reason} per bucket of [from, to), every instance's. */
    List<Bucket> refusalsByBucket(Tx tx, Instant from, Instant to, long seconds, String reason) {
        return tx.list("SELECT " + index("minute") + ", sum(refusals), 0, 0 FROM signup_refusals"
                + " WHERE minute >= ? AND minute < ? AND reason = ? GROUP BY 1",
                r -> new Bucket(r.getInt(1), r.getLong(2), 0, 0), from, seconds, from, to, reason);
    }

    /** Divergence samples per bucket of [from, to): entries sampled and found divergent. */
    List<Bucket> divergenceByBucket(Tx tx, Instant from, Instant to, long seconds) {
        return tx.list("SELECT " + index("sampled_at") + ", sum(sampled), sum(divergent), 0 FROM cache_divergence_samples"
                + " WHERE sampled_at >= ? AND sampled_at < ? GROUP BY 1",
                r -> new Bucket(r.getInt(1), r.getLong(2), r.getLong(3), 0), from, seconds, from, to);
    }

    /** Stored alerts per bucket of [from, to), every instance's. */
    List<Bucket> alertsByBucket(Tx tx, Instant from, Instant to, long seconds) {
        return tx.list("SELECT " + index("raised_at") + ", count(*), 0, 0 FROM alert_log WHERE raised_at >= ? AND raised_at < ? GROUP BY 1",
                r -> new Bucket(r.getInt(1), r.getLong(2), 0, 0), from, seconds, from, to);
    }

    /** The oldest stored saga, refusal minute, divergence sample and alert (each null when none is stored). */
    List<Instant> oldest(Tx tx) {
        return tx.single("SELECT (SELECT min(created_at) FROM sagas), (SELECT min(minute) FROM signup_refusals),"
                + " (SELECT min(sampled_at) FROM cache_divergence_samples), (SELECT min(raised_at) FROM alert_log)",
                r -> java.util.Arrays.asList(r.getInstant(1), r.getInstant(2), r.getInstant(3), r.getInstant(4)));
    }
}
