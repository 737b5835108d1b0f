package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the integrity checks, on demand and on a schedule, and keeps every run: {@code integrity_check_runs}, one
 * {@code integrity_check_results} row per check (V6) and at most {@link #FINDINGS_KEPT} {@code integrity_findings}
 * per check. A manual run is an administrative action and is recorded in the audit trail (action {@code check.run})
 * in the transaction that stores it. After every run the PRD's alerts are evaluated ({@link CheckAlerts}). The
 * statements are {@link CheckRunStore}'s; the transactions, the audit entry and the schedule are this class's.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One snapshot.</b> The SQL checks of a run read one REPEATABLE READ, READ ONLY transaction, so they agree
 *   with each other (orphans and referral counts are judged on the same rows); each check runs under a savepoint,
 *   so one that fails is reported as {@code error} and the others still run.</li>
 *   <li><b>One scheduled suite at a time across instances.</b> Every instance schedules the suite every
 *   {@code checks.interval}, starting after a random part of the second half of one interval (so instances started
 *   together drift apart, and a short-lived CLI process never runs one). A scheduled suite runs only under the
 *   session advisory lock {@code hashtext('integrity.checks.' || schema)}, taken with {@code pg_try_advisory_lock}
 *   (an instance that finds it taken skips its turn), and only if no scheduled suite started within the last 80% of
 *   an interval: N instances make one suite per interval, never two at once. Manual runs take no lock.</li>
 * </ul>
 */
public final class IntegrityChecks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IntegrityChecks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Findings kept per check and run; the total is always counted. */
    public static final int FINDINGS_KEPT = 1000;

    private final Jdbc jdbc;
    private final CheckRunStore runs = new CheckRunStore();
    private final List<IntegrityCheck> checks;
    private final CheckSettings settings;
    private final CheckAlerts alerts;
    private final AuditTrail audit;
    private final Clock clock;
    private final String instanceId;
    private final AtomicBoolean closed = new AtomicBoolean();
    private EngineScheduler.Task schedule;

    public IntegrityChecks(Jdbc jdbc, List<IntegrityCheck> checks, CheckSettings settings, Supplier<SagaMetrics> sagaMetrics,
                           AlertSink alertSink, AuditTrail audit, Clock clock, String instanceId) {
        this.jdbc = jdbc;
        this.checks = List.copyOf(checks);
        this.settings = settings;
        this.alerts = new CheckAlerts(jdbc, sagaMetrics, settings, alertSink, clock);
        this.audit = audit;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** The engine's checks: every built-in check, the settings of {@code config}, alerts to {@code alertSink}. */
    public static IntegrityChecks create(EngineConfig config, Jdbc jdbc, DivergenceSampler divergence,
                                         Supplier<SagaMetrics> sagaMetrics, AlertSink alertSink, AuditTrail audit, Clock clock,
                                         String instanceId) {
        CheckSettings settings = CheckSettings.from(config);
        return new IntegrityChecks(jdbc, BuiltInChecks.all(divergence, settings.stuckSagaAfter(), settings.outboxMaxAge()), settings,
                sagaMetrics, alertSink, audit, clock, instanceId);
    }

    public List<IntegrityCheck> checks() {
        return checks;
    }

    public List<String> names() {
        return checks.stream().map(IntegrityCheck::name).toList();
    }

    public CheckSettings settings() {
        return settings;
    }

    // Running ------------------------------------------------------------------------------------------------------

    /**
     * Runs the checks now for an actor who may run them, stores the run and records it in the audit trail.
     *
     * @param only the checks to run; empty: all
     * @throws EngineException naming the known checks if {@code only} names another; when PostgreSQL cannot store the run
     */
    public CheckRun run(Actor by, Collection<String> only, ProgressListener progress) {
        String actor = by.authorize(Permission.RUN_CHECKS);
        if (actor == null || actor.isBlank() || actor.strip().length() > 100) {
            throw new EngineException("A manual check run needs an actor of 1 to 100 characters: say who runs it.");
        }
        List<IntegrityCheck> selected = select(only);
        return runSuite(CheckTrigger.MANUAL, Optional.of(actor.strip()), selected, progress);
    }

    /** Runs the whole suite now (see {@link #run(Actor, Collection, ProgressListener)}). */
    public CheckRun run(Actor actor) {
        return run(actor, List.of(), ProgressListener.NONE);
    }

    private List<IntegrityCheck> select(Collection<String> only) {
        if (only.isEmpty()) {
            return checks;
        }
        for (String name : only) {
            if (checks.stream().noneMatch(c -> c.name().equals(name))) {
                throw new EngineException("There is no check named '" + name + "'; the checks are: " + String.join(", ", names()) + ".");
            }
        }
        return checks.stream().filter(c -> only.contains(c.name())).toList();
    }

    /**
     * The scheduled suite, if it is this instance's turn: under the suite's advisory lock, and only when no other
     * scheduled suite started within 80% of an interval.
     *
     * @return the run, or empty when another instance holds the lock or ran recently
     */
    public Optional<CheckRun> runScheduled() {
        Duration interval = settings.interval().orElse(Duration.ZERO);
        // One auto-commit session holds the lock while the suite runs on connections of its own.
        return jdbc.read("run the scheduled integrity checks", lock -> {
            if (!runs.tryLockSuite(lock)) {
                log.debug("Scheduled integrity checks: another instance is running them");
                return Optional.empty();
            }
            try {
                if (runs.scheduledRunSince(lock, clock.instant().minus(interval.multipliedBy(8).dividedBy(10)))) {
                    log.debug("Scheduled integrity checks: another instance ran them recently");
                    return Optional.empty();
                }
                CheckRun run = runSuite(CheckTrigger.SCHEDULED, Optional.empty(), checks, ProgressListener.NONE);
                log.info("Scheduled integrity checks: run {}: {}", run.id(), run.summary());
                return Optional.of(run);
            } finally {
                runs.unlockSuite(lock);
            }
        });
    }

    private CheckRun runSuite(CheckTrigger trigger, Optional<String> actor, List<IntegrityCheck> selected, ProgressListener progress) {
        Instant started = clock.instant();
        long id = insertRun(trigger, actor, started);
        List<CheckResult> results;
        try {
            results = execute(selected, progress);
        } catch (RuntimeException e) {
            markError(id);
            throw new EngineException("The integrity checks could not run (" + reason(e) + ").", e);
        }
        CheckRun run = new CheckRun(id, trigger, actor, instanceId, started, clock.instant(), CheckRun.statusOf(results), results);
        try {
            store(run);
        } catch (RuntimeException e) {
            markError(id);
            throw new EngineException("Cannot store the results of integrity check run " + id + " (" + reason(e) + ").", e);
        }
        alerts.evaluate(run);
        return run;
    }

    private List<CheckResult> execute(List<IntegrityCheck> selected, ProgressListener progress) {
        return jdbc.snapshot("run the integrity checks", tx -> {
            List<CheckResult> results = new ArrayList<>();
            int done = 0;
            for (IntegrityCheck check : selected) {
                progress.progress("Checking " + check.name() + "…", done++, selected.size());
                results.add(runOne(tx, check));
            }
            progress.progress("Checks done.", selected.size(), selected.size());
            return results;
        });
    }

    private static CheckResult runOne(Tx tx, IntegrityCheck check) {
        long t0 = System.nanoTime();
        try {
            CheckFindings found = tx.savepoint(t -> check.run(t, FINDINGS_KEPT));
            return CheckResult.of(check, found, Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            log.warn("Integrity check {} could not run: {}", check.name(), e.getMessage(), e);
            return CheckResult.error(check, firstLine(e), took);
        }
    }

    /** Why a statement failed, as a short phrase ("connection refused", or the server's first line). */
    private static String reason(RuntimeException e) {
        return e instanceof StoreException s ? s.reason() : ConnectionFailures.reason(e);
    }

    /** The first line of a failure: the server's own, for a PostgreSQL failure. */
    private static String firstLine(RuntimeException e) {
        return e instanceof StoreException s ? s.serverMessage() : ConnectionFailures.firstLine(e);
    }

    // Storing ------------------------------------------------------------------------------------------------------

    private long insertRun(CheckTrigger trigger, Optional<String> actor, Instant started) {
        return jdbc.read("record an integrity check run", tx -> runs.insertRun(tx, trigger, actor, started, instanceId));
    }

    private void store(CheckRun run) {
        jdbc.transact("store the results of integrity check run " + run.id(), tx -> {
            runs.insertResults(tx, run);
            runs.insertFindings(tx, run);
            runs.finishRun(tx, run);
            if (run.trigger() == CheckTrigger.MANUAL) {
                audit.record(tx, AuditEvent.of(run.actor().orElseThrow(), "check.run").target("check-run", Long.toString(run.id()))
                        .states(null, summaryJson(run)).details(run.summary()));
            }
        });
    }

    private static ObjectNode summaryJson(CheckRun run) {
        ObjectNode root = JSON.createObjectNode().put("runId", run.id()).put("status", run.status().label())
                .put("findings", run.totalFindings()).put("durationMs", run.duration().toMillis());
        ObjectNode per = root.putObject("checks");
        for (CheckResult r : run.results()) {
            per.putObject(r.name()).put("status", r.status().label()).put("findings", r.totalFindings());
        }
        return root;
    }

    private void markError(long id) {
        try {
            jdbc.read("mark integrity check run " + id + " as failed", tx -> runs.markError(tx, id, clock.instant()));
        } catch (StoreException e) {
            log.warn("Could not mark integrity check run {} as failed: {}", id, e.serverMessage());
        }
    }

    // History ------------------------------------------------------------------------------------------------------

    /**
     * Stored runs, newest first, with per check figures; optionally only those started since {@code since}; if
     * {@code by} may run checks.
     */
    public List<RunSummary> history(Actor by, Optional<Instant> since, int limit) {
        by.authorize(Permission.RUN_CHECKS);
        return jdbc.read("read the integrity check history", tx -> runs.history(tx, since.orElse(Instant.EPOCH), clamp(limit)));
    }

    /** The findings stored for a run, in the order found; optionally one check's; if {@code by} may run checks. */
    public List<Finding> findings(Actor by, long runId, Optional<String> check, int limit) {
        by.authorize(Permission.RUN_CHECKS);
        return jdbc.read("read the findings of integrity check run " + runId, tx -> runs.findings(tx, runId, check, clamp(limit)));
    }

    /** A history or findings limit brought into 1 to 100,000. */
    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 100_000));
    }

    // Schedule -----------------------------------------------------------------------------------------------------

    /**
     * Starts the schedule ({@code checks.interval}) on {@code scheduler}; does nothing when it is off or already
     * started. The first suite comes after a random time in the second half of the first interval.
     */
    public synchronized void startSchedule(EngineScheduler scheduler) {
        if (schedule != null || closed.get() || settings.interval().isEmpty()) {
            return;
        }
        Duration every = settings.interval().get();
        long half = every.toMillis() / 2;
        Duration first = Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(Math.max(1, half)));
        schedule = scheduler.scheduleWithFixedDelay("checks", first, every, this::scheduledTick);
    }

    private void scheduledTick() {
        if (closed.get()) {
            return;
        }
        try {
            runScheduled();
        } catch (RuntimeException e) {
            log.warn("Scheduled integrity checks failed, will try again in {}: {}", settings.interval().orElseThrow(), e.getMessage());
        }
    }

    /** Stops the schedule; a suite in progress is interrupted. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        EngineScheduler.Task s;
        synchronized (this) {
            s = schedule;
        }
        if (s != null) {
            s.cancel();
        }
    }
}
