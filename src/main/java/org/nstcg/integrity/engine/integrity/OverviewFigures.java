package org.nstcg.integrity.engine.integrity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.support.Alert;

/**
 * What the console's overview shows, read together by {@link OverviewReader}: the platform's headline figures and,
 * per tile, its figure and a trend. Hourly trends hold {@link #HOURS} buckets, oldest first, the last one being the
 * hour up to {@code readAt}.
 *
 * @param platform             users, active users, referral codes, last change
 * @param registrationsPerHour registration sagas completed per hour
 * @param blockedPerHour       registrations refused because the mailbox was already registered, per hour
 * @param sagas                sagas finished and rolled back over the last 24 h, and the hourly rollback rate
 * @param divergence           the latest divergence round (all key patterns), if one was sampled in the last 24 h
 * @param divergencePerHour    share of divergent entries per hour (0 to 1; 0 for an hour with no sample)
 * @param divergenceThreshold  the cache inconsistency alert threshold, 0 to 1
 * @param alerts               alerts raised in the last 24 h, newest first
 * @param alertsPerHour        alerts raised per hour
 * @param checkRuns            the latest integrity check runs, newest first (at most {@link #RUNS})
 * @param readAt               when the figures were read
 * @param divergenceUnmeasuredSince when the divergence cannot be measured now (Redis does not answer), since when;
 *                             the stored {@code divergence} round then says nothing about the cache now
 */
public record OverviewFigures(PlatformFigures platform, List<Long> registrationsPerHour, List<Long> blockedPerHour, Sagas sagas,
                              Optional<DivergenceRound> divergence, List<Double> divergencePerHour, double divergenceThreshold,
                              List<Alert> alerts, List<Long> alertsPerHour, List<CheckRunFigures> checkRuns, Instant readAt,
                              Optional<Instant> divergenceUnmeasuredSince) {

    /** Hourly buckets in a trend: the last 24 hours. */
    public static final int HOURS = 24;
    /** Check runs kept for the last-run trend. */
    public static final int RUNS = 12;

    public OverviewFigures {
        registrationsPerHour = List.copyOf(registrationsPerHour);
        blockedPerHour = List.copyOf(blockedPerHour);
        divergencePerHour = List.copyOf(divergencePerHour);
        alerts = List.copyOf(alerts);
        alertsPerHour = List.copyOf(alertsPerHour);
        checkRuns = List.copyOf(checkRuns);
    }

    /** Figures whose divergence could be measured (Redis answers). */
    public OverviewFigures(PlatformFigures platform, List<Long> registrationsPerHour, List<Long> blockedPerHour, Sagas sagas,
                           Optional<DivergenceRound> divergence, List<Double> divergencePerHour, double divergenceThreshold,
                           List<Alert> alerts, List<Long> alertsPerHour, List<CheckRunFigures> checkRuns, Instant readAt) {
        this(platform, registrationsPerHour, blockedPerHour, sagas, divergence, divergencePerHour, divergenceThreshold, alerts,
                alertsPerHour, checkRuns, readAt, Optional.empty());
    }

    /** Registrations refused as already registered over the last 24 h. */
    public long blockedLastDay() {
        return blockedPerHour.stream().mapToLong(Long::longValue).sum();
    }

    /** Registration sagas completed over the last 24 h. */
    public long registrationsLastDay() {
        return registrationsPerHour.stream().mapToLong(Long::longValue).sum();
    }

    /** The newest check run, if any ever ran. */
    public Optional<CheckRunFigures> lastCheckRun() {
        return checkRuns.isEmpty() ? Optional.empty() : Optional.of(checkRuns.get(0));
    }

    /**
     * Sagas over the last 24 h, counted as {@code SagaService.metrics} counts them (refusals are business outcomes,
     * not rollbacks) but by creation time, so the sagas table's time index serves the read.
     *
     * @param finished    sagas COMPLETED or COMPENSATED, refusals excluded
     * @param rolledBack  of those, COMPENSATED
     * @param ratePerHour rolled back / finished per hour (0 for an hour with none finished)
     */
    public record Sagas(long finished, long rolledBack, List<Double> ratePerHour) {
        public Sagas {
            ratePerHour = List.copyOf(ratePerHour);
        }

        /** Rolled back / finished, 0 when none finished. */
        public double rate() {
            return finished == 0 ? 0 : (double) rolledBack / finished;
        }
    }

    /**
     * The newest divergence round: its samples of every key pattern, added up.
     *
     * @param sampledAt when the round ran
     * @param sampled   cached entries compared with their rows
     * @param divergent of those, entries that differed
     */
    public record DivergenceRound(Instant sampledAt, long sampled, long divergent) {
        /** Divergent / sampled, 0 to 1 (0 when nothing was compared). */
        public double rate() {
            return sampled == 0 ? 0 : (double) divergent / sampled;
        }
    }

    /**
     * One stored check run.
     *
     * @param status        {@code running}, {@code passed}, {@code failed}, {@code error} or {@code cancelled}
     * @param findings      findings of all its checks
     * @param checksFailing its checks that did not pass (failed or error)
     */
    public record CheckRunFigures(long id, Instant startedAt, String status, long findings, long checksFailing) {
    }
}
