package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of check runs ({@code integrity_check_runs}, {@code integrity_check_results}, {@code integrity_findings},
 * V6) and of the scheduled suite's advisory lock, each statement in the caller's {@link Tx}: the transactions, the
 * audit entry, the schedule and the limits are {@link IntegrityChecks}'s.
 */
final class CheckRunStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Findings sent to PostgreSQL per batch. */
    private static final int FINDINGS_BATCH = 500;
    private static final String SUITE_LOCK = "(hashtext('integrity.checks.' || current_schema()))";

    /**
     * Takes the scheduled suite's session advisory lock ({@code hashtext('integrity.checks.' || schema)}) if it is
     * free; false when another session holds it.
     */
    boolean tryLockSuite(Tx tx) {
        return tx.single("SELECT pg_try_advisory_lock" + SUITE_LOCK, r -> r.getBoolean(1));
    }

    /** Releases the lock {@link #tryLockSuite} took. */
    void unlockSuite(Tx tx) {
        tx.single("SELECT pg_advisory_unlock" + SUITE_LOCK, r -> r.getBoolean(1));
    }

    /** Whether a scheduled suite started after {@code after} (on any instance). */
    boolean scheduledRunSince(Tx tx, Instant after) {
        return tx.single("SELECT EXISTS (SELECT 1 FROM integrity_check_runs WHERE trigger = 'scheduled' AND started_at > ?)",
                r -> r.getBoolean(1), after);
    }

    /** A run that has just started, status {@code running}; returns its id. */
    long insertRun(Tx tx, CheckTrigger trigger, Optional<String> actor, Instant started, String instanceId) {
        return tx.singleLong("INSERT INTO integrity_check_runs (started_at, trigger, status, actor, instance_id)"
                + " VALUES (?, ?, 'running', ?, ?) RETURNING id", started, trigger.label(), actor, instanceId);
    }

    /** One {@code integrity_check_results} row per check of {@code run}, as one batch. */
    void insertResults(Tx tx, CheckRun run) {
        List<List<Object>> rows = new ArrayList<>();
        for (CheckResult r : run.results()) {
            rows.add(Arrays.asList(run.id(), r.name(), r.severity().label(), r.status().label(), r.totalFindings(),
                    r.findings().size(), r.duration().toMillis(), r.error()));
        }
        tx.batch("INSERT INTO integrity_check_results (run_id, check_name, severity, status,"
                + " findings_total, findings_stored, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
    }

    /** The findings kept of {@code run}, dated when it finished, in batches of {@value #FINDINGS_BATCH}. */
    void insertFindings(Tx tx, CheckRun run) {
        List<List<Object>> rows = new ArrayList<>();
        for (CheckResult r : run.results()) {
            for (Finding f : r.findings()) {
                rows.add(Arrays.asList(run.id(), f.check(), f.severity().label(), Tx.bigints(f.affectedIds()), f.message(),
                        f.details(), run.finishedAt()));
            }
        }
        for (int from = 0; from < rows.size(); from += FINDINGS_BATCH) {
            tx.batch("INSERT INTO integrity_findings (run_id, check_name, severity, affected_ids,"
                    + " message, details, created_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)",
                    rows.subList(from, Math.min(rows.size(), from + FINDINGS_BATCH)));
        }
    }

    /** A stored run's end: when it finished and its status. */
    void finishRun(Tx tx, CheckRun run) {
        tx.update("UPDATE integrity_check_runs SET finished_at = ?, status = ? WHERE id = ?", run.finishedAt(), run.status().label(),
                run.id());
    }

    /** Marks a run that is still {@code running} as failed; returns the rows changed (0 when it was not running). */
    int markError(Tx tx, long id, Instant now) {
        return tx.update("UPDATE integrity_check_runs SET status = 'error', finished_at = ? WHERE id = ? AND status = 'running'", now, id);
    }

    /** Runs started at or after {@code since}, newest first, at most {@code limit}, with their per check figures. */
    List<RunSummary> history(Tx tx, Instant since, int limit) {
        return tx.list("SELECT r.id, r.started_at, r.finished_at, r.trigger, r.status, r.actor, r.instance_id,"
                + " (SELECT jsonb_object_agg(c.check_name, jsonb_build_object('severity', c.severity, 'status', c.status,"
                + " 'findings', c.findings_total, 'durationMs', c.duration_ms)) FROM integrity_check_results c WHERE c.run_id = r.id)::text"
                + " FROM integrity_check_runs r WHERE r.started_at >= ? ORDER BY r.id DESC LIMIT ?", rs -> {
                    Map<String, RunSummary.CheckFigures> figures = new LinkedHashMap<>();
                    String text = rs.getString(8);
                    if (text != null) {
                        JsonNode node = json(text);
                        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            figures.put(e.getKey(), new RunSummary.CheckFigures(e.getValue().path("severity").asText(),
                                    e.getValue().path("status").asText(), e.getValue().path("findings").asLong(),
                                    e.getValue().path("durationMs").asLong()));
                        }
                    }
                    return new RunSummary(rs.getLong(1), rs.getInstant(2), Optional.ofNullable(rs.getInstant(3)), rs.getString(4),
                            rs.getString(5), Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), figures);
                }, since, limit);
    }

    /** The findings stored for a run, in the order found, at most {@code limit}; optionally one check's. */
    List<Finding> findings(Tx tx, long runId, Optional<String> check, int limit) {
        String sql = "SELECT check_name, severity, affected_ids, message, details::text FROM integrity_findings WHERE run_id = ?"
                + (check.isPresent() ? " AND check_name = ?" : "") + " ORDER BY id LIMIT ?";
        List<Object> args = new ArrayList<>();
        args.add(runId);
        check.ifPresent(args::add);
        args.add(limit);
        return tx.list(sql, rs -> {
            String details = rs.getString(5);
            return new Finding(rs.getString(1), Severity.of(rs.getString(2)), rs.getLongs(3), rs.getString(4),
                    details == null ? JSON.createObjectNode() : json(details));
        }, args.toArray());
    }

    /** Parses JSON that PostgreSQL built. */
    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL returned invalid JSON", e);
        }
    }
}
