package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the integrity checks, on demand and on a schedule, and keeps every run: {@code integrity_check_runs}, one
 * {@code integrity_check_results} row per check (V6) and at most {@link #FINDINGS_KEPT} {@code integrity_findings}
 * per check. A manual run is an administrative action and is recorded in the audit trail (action {@code check.run})
 * in the transaction that stores it. After every run the PRD's alerts are evaluated ({@link CheckAlerts}).
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

    private final DataSource dataSource;
    private final List<IntegrityCheck> checks;
    private final CheckSettings settings;
    private final CheckAlerts alerts;
    private final AuditTrail audit;
    private final Clock clock;
    private final String instanceId;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledExecutorService scheduler;

    public IntegrityChecks(DataSource dataSource, List<IntegrityCheck> checks, CheckSettings settings, Supplier<SagaMetrics> sagaMetrics,
                           AlertSink alertSink, AuditTrail audit, Clock clock, String instanceId) {
        this.dataSource = dataSource;
        this.checks = List.copyOf(checks);
        this.settings = settings;
        this.alerts = new CheckAlerts(dataSource, sagaMetrics, settings, alertSink, clock);
        this.audit = audit;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** The engine's checks: every built-in check, the settings of {@code config}, alerts to {@code alertSink}. */
    public static IntegrityChecks create(EngineConfig config, DataSource dataSource, DivergenceSampler divergence,
                                         Supplier<SagaMetrics> sagaMetrics, AlertSink alertSink, AuditTrail audit, Clock clock,
                                         String instanceId) {
        CheckSettings settings = CheckSettings.from(config);
        return new IntegrityChecks(dataSource, BuiltInChecks.all(divergence, settings.stuckSagaAfter(), settings.outboxMaxAge()), settings,
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
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(true);
            if (!advisoryLock(lock, "pg_try_advisory_lock")) {
                log.debug("Scheduled integrity checks: another instance is running them");
                return Optional.empty();
            }
            try {
                if (ranRecently(lock, interval.multipliedBy(8).dividedBy(10))) {
                    log.debug("Scheduled integrity checks: another instance ran them recently");
                    return Optional.empty();
                }
                CheckRun run = runSuite(CheckTrigger.SCHEDULED, Optional.empty(), checks, ProgressListener.NONE);
                log.info("Scheduled integrity checks: run {}: {}", run.id(), run.summary());
                return Optional.of(run);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock");
            }
        } catch (SQLException e) {
            throw new EngineException("Cannot run the scheduled integrity checks (" + ConnectionFailures.reason(e) + ").", e);
        }
    }

    private static boolean advisoryLock(Connection c, String function) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + function + "(hashtext('integrity.checks.' || current_schema()))")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private boolean ranRecently(Connection c, Duration within) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM integrity_check_runs WHERE trigger = 'scheduled'"
                + " AND started_at > ?)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(within)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private CheckRun runSuite(CheckTrigger trigger, Optional<String> actor, List<IntegrityCheck> selected, ProgressListener progress) {
        Instant started = clock.instant();
        long id;
        try {
            id = insertRun(trigger, actor, started);
        } catch (SQLException e) {
            throw new EngineException("Cannot record an integrity check run in PostgreSQL (" + ConnectionFailures.reason(e) + ").", e);
        }
        List<CheckResult> results;
        try {
            results = execute(selected, progress);
        } catch (SQLException | RuntimeException e) {
            markError(id);
            throw new EngineException("The integrity checks could not run (" + ConnectionFailures.reason(e) + ").", e);
        }
        CheckRun run = new CheckRun(id, trigger, actor, instanceId, started, clock.instant(), CheckRun.statusOf(results), results);
        try {
            store(run);
        } catch (SQLException | RuntimeException e) {
            markError(id);
            throw new EngineException("Cannot store the results of integrity check run " + id + " (" + ConnectionFailures.reason(e) + ").", e);
        }
        alerts.evaluate(run);
        return run;
    }

    private List<CheckResult> execute(List<IntegrityCheck> selected, ProgressListener progress) throws SQLException {
        List<CheckResult> results = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                }
                int done = 0;
                for (IntegrityCheck check : selected) {
                    progress.progress("Checking " + check.name() + "…", done++, selected.size());
                    results.add(runOne(c, check));
                }
                progress.progress("Checks done.", selected.size(), selected.size());
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return results;
    }

    private static CheckResult runOne(Connection c, IntegrityCheck check) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        long t0 = System.nanoTime();
        try {
            CheckFindings found = check.run(c, FINDINGS_KEPT);
            c.releaseSavepoint(savepoint);
            return CheckResult.of(check, found, Duration.ofNanos(System.nanoTime() - t0));
        } catch (SQLException | RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            c.rollback(savepoint);
            log.warn("Integrity check {} could not run: {}", check.name(), e.getMessage(), e);
            return CheckResult.error(check, ConnectionFailures.firstLine(e), took);
        }
    }

    // Storing ------------------------------------------------------------------------------------------------------

    private long insertRun(CheckTrigger trigger, Optional<String> actor, Instant started) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO integrity_check_runs"
                + " (started_at, trigger, status, actor, instance_id) VALUES (?, ?, 'running', ?, ?) RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(started));
            ps.setString(2, trigger.label());
            ps.setString(3, actor.orElse(null));
            ps.setString(4, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void store(CheckRun run) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO integrity_check_results (run_id, check_name, severity, status,"
                        + " findings_total, findings_stored, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (CheckResult r : run.results()) {
                        ps.setLong(1, run.id());
                        ps.setString(2, r.name());
                        ps.setString(3, r.severity().label());
                        ps.setString(4, r.status().label());
                        ps.setLong(5, r.totalFindings());
                        ps.setInt(6, r.findings().size());
                        ps.setLong(7, r.duration().toMillis());
                        ps.setString(8, r.error().orElse(null));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO integrity_findings (run_id, check_name, severity, affected_ids,"
                        + " message, details, created_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)")) {
                    int batched = 0;
                    for (CheckResult r : run.results()) {
                        for (Finding f : r.findings()) {
                            ps.setLong(1, run.id());
                            ps.setString(2, f.check());
                            ps.setString(3, f.severity().label());
                            ps.setArray(4, c.createArrayOf("bigint", f.affectedIds().toArray()));
                            ps.setString(5, f.message());
                            ps.setString(6, f.details().toString());
                            ps.setTimestamp(7, Timestamp.from(run.finishedAt()));
                            ps.addBatch();
                            if (++batched % 500 == 0) {
                                ps.executeBatch();
                            }
                        }
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE integrity_check_runs SET finished_at = ?, status = ? WHERE id = ?")) {
                    ps.setTimestamp(1, Timestamp.from(run.finishedAt()));
                    ps.setString(2, run.status().label());
                    ps.setLong(3, run.id());
                    ps.executeUpdate();
                }
                if (run.trigger() == CheckTrigger.MANUAL) {
                    audit.record(c, AuditEvent.of(run.actor().orElseThrow(), "check.run").target("check-run", Long.toString(run.id()))
                            .states(null, summaryJson(run)).details(run.summary()));
                }
                c.commit();
            } catch (Throwable e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE integrity_check_runs SET status = 'error', finished_at = ? WHERE id = ? AND status = 'running'")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.warn("Could not mark integrity check run {} as failed: {}", id, e.getMessage());
        }
    }

    // History ------------------------------------------------------------------------------------------------------

    /**
     * Stored runs, newest first, with per check figures; optionally only those started since {@code since}; if
     * {@code by} may run checks.
     */
    public List<RunSummary> history(Actor by, Optional<Instant> since, int limit) {
        by.authorize(Permission.RUN_CHECKS);
        String sql = "SELECT r.id, r.started_at, r.finished_at, r.trigger, r.status, r.actor, r.instance_id,"
                + " (SELECT jsonb_object_agg(c.check_name, jsonb_build_object('severity', c.severity, 'status', c.status,"
                + " 'findings', c.findings_total, 'durationMs', c.duration_ms)) FROM integrity_check_results c WHERE c.run_id = r.id)::text"
                + " FROM integrity_check_runs r WHERE r.started_at >= ? ORDER BY r.id DESC LIMIT ?";
        List<RunSummary> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(since.orElse(Instant.EPOCH)));
            ps.setInt(2, Math.max(1, Math.min(limit, 100_000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, RunSummary.CheckFigures> figures = new LinkedHashMap<>();
                    String text = rs.getString(8);
                    if (text != null) {
                        JsonNode node = JSON.readTree(text);
                        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            figures.put(e.getKey(), new RunSummary.CheckFigures(e.getValue().path("severity").asText(),
                                    e.getValue().path("status").asText(), e.getValue().path("findings").asLong(),
                                    e.getValue().path("durationMs").asLong()));
                        }
                    }
                    Timestamp finished = rs.getTimestamp(3);
                    out.add(new RunSummary(rs.getLong(1), rs.getTimestamp(2).toInstant(), Optional.ofNullable(finished).map(Timestamp::toInstant),
                            rs.getString(4), rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), figures));
                }
            }
        } catch (SQLException | IOException e) {
            throw new EngineException("Cannot read the integrity check history (" + ConnectionFailures.reason(e) + ").", e);
        }
        return out;
    }

    /** The findings stored for a run, in the order found; optionally one check's; if {@code by} may run checks. */
    public List<Finding> findings(Actor by, long runId, Optional<String> check, int limit) {
        by.authorize(Permission.RUN_CHECKS);
        String sql = "SELECT check_name, severity, affected_ids, message, details::text FROM integrity_findings WHERE run_id = ?"
                + (check.isPresent() ? " AND check_name = ?" : "") + " ORDER BY id LIMIT ?";
        List<Finding> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, runId);
            if (check.isPresent()) {
                ps.setString(i++, check.get());
            }
            ps.setInt(i, Math.max(1, Math.min(limit, 100_000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array ids = rs.getArray(3);
                    List<Long> affected = new ArrayList<>();
                    for (Object v : (Object[]) ids.getArray()) {
                        affected.add(((Number) v).longValue());
                    }
                    String details = rs.getString(5);
                    out.add(new Finding(rs.getString(1), Severity.of(rs.getString(2)), affected, rs.getString(4),
                            details == null ? JSON.createObjectNode() : JSON.readTree(details)));
                }
            }
        } catch (SQLException | IOException e) {
            throw new EngineException("Cannot read the findings of integrity check run " + runId + " (" + ConnectionFailures.reason(e) + ").", e);
        }
        return out;
    }

    // Schedule -----------------------------------------------------------------------------------------------------

    /** Starts the schedule ({@code checks.interval}); does nothing when it is off or already started. */
    public synchronized void startSchedule() {
        if (scheduler != null || closed.get() || settings.interval().isEmpty()) {
            return;
        }
        long every = settings.interval().get().toMillis();
        long first = every / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, every / 2));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "integrity-checks");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::scheduledTick, first, every, TimeUnit.MILLISECONDS);
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
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
        }
        if (s != null) {
            s.shutdownNow();
            try {
                if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.debug("The integrity check schedule did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
