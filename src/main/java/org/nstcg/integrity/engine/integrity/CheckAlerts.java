package org.nstcg.integrity.engine.integrity;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.nstcg.integrity.engine.registration.RegistrationSaga;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.Counts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PRD's alerts, evaluated after every run against their thresholds ({@link CheckSettings}):
 * <ul>
 *   <li>{@value #DUPLICATE_REFERRAL_CODES} (critical): referral-code-uniqueness found more than
 *   {@code alerts.duplicate-referral-codes} (default 0: any);</li>
 *   <li>{@value #BLOCKED_REGISTRATIONS} (warning): more than {@code alerts.blocked-registrations} registrations
 *   refused in the last hour because the mailbox was already registered — every instance's refusals, whichever path
 *   refused them (the Redis fast path as well as the unique index), from {@code signup_refusals};</li>
 *   <li>{@value #ROLLBACK_RATE} (warning): more than {@code alerts.rollback-rate} (default 1%) of the sagas finished
 *   in the last hour were rolled back (refusals excluded, at least {@link SagaMetrics#MIN_SAMPLE} sagas).</li>
 * </ul>
 * The cache inconsistency alert (above {@code cache.divergence-alert}, 5%) is the divergence sampler's own
 * {@code cache.divergence}, raised by the very round the cache-consistency check runs.
 *
 * <p>Each alert is raised once when its figure crosses the threshold, and again only after a run saw it back at or
 * under the threshold, so a schedule does not repeat it every interval. Its one statement, the count of refusals,
 * is {@link AlertStore}'s.
 */
final class CheckAlerts {

    static final String DUPLICATE_REFERRAL_CODES = "integrity.duplicate-referral-codes";
    static final String BLOCKED_REGISTRATIONS = "integrity.blocked-registrations";
    static final String ROLLBACK_RATE = "integrity.rollback-rate";

    private static final Logger log = LoggerFactory.getLogger(CheckAlerts.class);

    private final Jdbc jdbc;
    private final AlertStore store = new AlertStore();
    private final Supplier<SagaMetrics> sagaMetrics;
    private final CheckSettings settings;
    private final AlertSink sink;
    private final Clock clock;
    private final Set<String> raised = new HashSet<>();

    CheckAlerts(Jdbc jdbc, Supplier<SagaMetrics> sagaMetrics, CheckSettings settings, AlertSink sink, Clock clock) {
        this.jdbc = jdbc;
        this.sagaMetrics = sagaMetrics;
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
    }

    /** Evaluates every alert after {@code run}; never throws (a figure that cannot be read is logged and skipped). */
    void evaluate(CheckRun run) {
        run.result(BuiltInChecks.REFERRAL_CODE_UNIQUENESS).filter(r -> r.status() != CheckResult.Status.ERROR).ifPresent(r ->
                update(DUPLICATE_REFERRAL_CODES, r.totalFindings() > settings.duplicateReferralCodes(), () -> new Alert("critical",
                        DUPLICATE_REFERRAL_CODES, "run " + run.id(), Counts.of(r.totalFindings(), "duplicate referral code", "duplicate referral codes") + " found (alert above "
                        + settings.duplicateReferralCodes() + ", alerts.duplicate-referral-codes): a code may credit the wrong user."
                        + " See 'checks history' and the findings of run " + run.id() + ", then repair them.", clock.instant())));
        try {
            long blocked = blockedLastHour();
            update(BLOCKED_REGISTRATIONS, blocked > settings.blockedRegistrations(), () -> new Alert("warning", BLOCKED_REGISTRATIONS,
                    "registrations", Counts.of(blocked, "registration was", "registrations were") + " refused in the last hour because the mailbox was already registered"
                    + " (alert above " + settings.blockedRegistrations() + ", alerts.blocked-registrations): look for a broken sign-up"
                    + " form or an abuse pattern.", clock.instant()));
        } catch (RuntimeException e) {
            log.warn("Could not count refused registrations for alerts: {}", e.getMessage());
        }
        try {
            Optional<SagaMetrics.RollbackRate> hour = sagaMetrics.get().rollbackRates().stream()
                    .filter(r -> r.window().equals(Duration.ofHours(1))).findFirst();
            hour.ifPresent(r -> update(ROLLBACK_RATE, r.finished() >= SagaMetrics.MIN_SAMPLE && r.rate() > settings.rollbackRate(),
                    () -> new Alert("warning", ROLLBACK_RATE, "sagas", String.format(Locale.ROOT, "%.1f%% of the %d sagas finished in the"
                            + " last hour were rolled back (alert above %.1f%%, alerts.rollback-rate). Look at 'sagas list --status"
                            + " COMPENSATED --since 1h' for their errors.", r.rate() * 100, r.finished(), settings.rollbackRate() * 100),
                            clock.instant())));
        } catch (RuntimeException e) {
            log.warn("Could not read saga rollback rates for alerts: {}", e.getMessage());
        }
    }

    private long blockedLastHour() {
        // Every instance's refusals, whichever path refused (RefusalCounter): the minutes that began in the last hour.
        return jdbc.read("count refused registrations", tx -> store.refusalsLastHour(tx, RegistrationSaga.Refusal.ALREADY_REGISTERED.code()));
    }

    private void update(String key, boolean above, Supplier<Alert> alert) {
        boolean raise = false;
        synchronized (raised) {
            if (above) {
                raise = raised.add(key);
            } else {
                raised.remove(key);
            }
        }
        if (raise) {
            sink.raise(alert.get());
        }
    }
}
