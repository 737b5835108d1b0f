package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.store.StepStatement;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of the durable saga log in PostgreSQL ({@code sagas}, {@code saga_events}, {@code saga_event_batches}):
 * every statement of the saga feature. A saga moves through the database function {@code saga_advance}, which
 * appends the events and moves the saga in the caller's transaction, fenced by owner, lease, status and step; a
 * group of completions is the same fenced move for many sagas in one set-based statement ({@link #completeAll}).
 *
 * <p>Methods taking a {@link Tx} run their statement in the caller's transaction (the steps' work, the audit entry of
 * a manual action); the transactions and the rules are {@link SagaOrchestrator}'s and {@link SagaService}'s. The
 * others run on a connection of their own in auto-commit: one statement each, or the two reads of {@link #load}.
 * Reading the log is public through {@link SagaService}, which checks the caller's permission; this class is public
 * only to be built and handed to the orchestrator and the service.
 */
public final class SagaStore {

    /** Completes "Cannot … in PostgreSQL": how a failure to read the log reads to an operator. */
    static final String READ = "read the saga log";
    /** Completes "Cannot … in PostgreSQL": how a failure to record a saga's progress reads. */
    static final String WRITE = "record a saga's progress";
    /** Completes "Cannot … in PostgreSQL": how a failure to record an operator's action on a saga reads. */
    static final String MANUAL_ACTION = "update the saga log";

    private final Jdbc jdbc;
    private final ObjectMapper json;

    public SagaStore(Jdbc jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Jdbc jdbc() {
        return jdbc;
    }

    ObjectMapper json() {
        return json;
    }

    /** An event to append: type, step, result or error. */
    record NewEvent(SagaEvent.Type type, String step, JsonNode payload, String error, String actor, String reason) {
        static NewEvent of(SagaEvent.Type type) {
            return new NewEvent(type, null, null, null, null, null);
        }

        static NewEvent step(SagaEvent.Type type, String step, JsonNode payload, String error) {
            return new NewEvent(type, step, payload, error, null, null);
        }
    }

    /** A move of a saga from (expected status, expected step) to (new status, new step), appending events. */
    record Advance(UUID id, String owner, SagaStatus expectedStatus, int expectedStep, SagaStatus newStatus, int newStep,
                   Duration lease, List<NewEvent> events, boolean async, String error, Integer nextSeq) {

        Advance(UUID id, String owner, SagaStatus expectedStatus, int expectedStep, SagaStatus newStatus, int newStep,
                Duration lease, List<NewEvent> events, boolean async, String error) {
            this(id, owner, expectedStatus, expectedStep, newStatus, newStep, lease, events, async, error, null);
        }

        /** The same advance, telling the database the sequence number of its first event (saves a look-up). */
        Advance withNextSeq(int seq) {
            return new Advance(id, owner, expectedStatus, expectedStep, newStatus, newStep, lease, events, async, error, seq);
        }
    }

    /** The saga row to create in the same call (the first durable write of a saga). */
    record Creation(String type, String businessKey, JsonNode data, int stepCount) {
    }

    /** Counts of sagas that need someone: {@link SagaMetrics#needsAttention} and {@link SagaMetrics#stuck}. */
    record Backlog(long needsAttention, long stuck) {
    }

    /**
     * The call of {@code saga_advance}, for embedding in a statement; {@code extraEvents} is a SQL expression of
     * type jsonb (an array) appended to the advance's own events, or null.
     */
    private static String advanceCall(String extraEvents) {
        String events = extraEvents == null ? "?::jsonb" : "(?::jsonb || " + extraEvents + ")";
        return "saga_advance(?::uuid, ?, ?, ?, ?, ?, ?, " + events + ", ?, ?, ?, ?::jsonb, ?, ?, ?, ?)";
    }

    /**
     * The parameters of {@link #advanceCall}, in order. {@code extraParams} are the parameters of the extra events
     * expression (they follow the events parameter).
     */
    private List<Object> advanceParams(Advance a, Optional<Creation> create, List<String> extraParams) {
        List<Object> p = new ArrayList<>(16 + extraParams.size());
        p.add(a.id().toString());
        p.add(a.owner());
        p.add(a.expectedStatus() == null ? Tx.nullOf(Tx.SqlType.TEXT) : a.expectedStatus().name());
        p.add(a.expectedStep());
        p.add(a.newStatus().name());
        p.add(a.newStep());
        p.add((int) Math.min(Integer.MAX_VALUE, a.lease().toMillis()));
        p.add(eventsJson(a.events()));
        p.addAll(extraParams);
        p.add(create.isPresent());
        p.add(create.<Object>map(Creation::type).orElse(Tx.nullOf(Tx.SqlType.TEXT)));
        p.add(create.<Object>map(Creation::businessKey).orElse(Tx.nullOf(Tx.SqlType.TEXT)));
        p.add(create.<Object>map(cr -> cr.data().toString()).orElse(Tx.nullOf(Tx.SqlType.TEXT)));
        p.add(create.<Object>map(Creation::stepCount).orElse(Tx.nullOf(Tx.SqlType.INTEGER)));
        p.add(a.error() == null ? Tx.nullOf(Tx.SqlType.TEXT) : a.error());
        p.add(a.async());
        p.add(a.nextSeq() == null ? Tx.nullOf(Tx.SqlType.INTEGER) : a.nextSeq());
        return p;
    }

    /**
     * The fencing failure of {@code saga_advance} (serialization_failure, "… is no longer owned …") as
     * {@link SagaFencedException}; other errors unchanged.
     */
    static StoreException fenced(StoreException e, UUID id) {
        if ("40001".equals(e.sqlState()) && e.serverMessage().contains("is no longer owned")) {
            throw new SagaFencedException(id);
        }
        return e;
    }

    /** Moves the saga in {@code tx}'s transaction. */
    void advance(Tx tx, Advance a, Optional<Creation> create) {
        try {
            tx.single("SELECT " + advanceCall(null), r -> Boolean.TRUE, advanceParams(a, create, List.of()).toArray());
        } catch (StoreException e) {
            throw fenced(e, a.id());
        }
    }

    /** Runs {@link #advance} in its own autocommit call. */
    void advance(Advance a, Optional<Creation> create) {
        jdbc.read(WRITE, tx -> {
            advance(tx, a, create);
            return null;
        });
    }

    /**
     * SQL steps and their bookkeeping as one statement: {@code work} (the steps' statements, {@link StepStatement#composed})
     * followed by the fenced {@code a}, which appends a STEP_COMPLETED event per name in {@code stepNames}, each with
     * its step's result as the statement built it. In auto-commit PostgreSQL runs it as one transaction. A fencing
     * failure is left to the caller ({@link #fenced}), which translates the steps' own errors too.
     *
     * @return the steps' results as jsonb text, in order (null for none)
     */
    List<String> advanceWithSteps(Tx tx, StepStatement work, List<String> stepNames, Advance a, Optional<Creation> create) {
        StringBuilder stepEvents = new StringBuilder("jsonb_build_array(");
        for (int k = 0; k < stepNames.size(); k++) {
            stepEvents.append(k == 0 ? "" : ", ").append("jsonb_build_object('type', 'STEP_COMPLETED', 'step', ?::text,"
                    + " 'payload', (SELECT r FROM ").append(StepStatement.resultName(k)).append("))");
        }
        stepEvents.append(')');
        String sql = "WITH " + work.ctes() + " SELECT " + advanceCall(stepEvents.toString()) + ", "
                + work.resultQuery().substring("SELECT ".length());
        List<Object> params = new ArrayList<>(work.params());
        params.addAll(advanceParams(a, create, stepNames));
        return tx.single(sql, row -> {
            List<String> columns = new ArrayList<>(stepNames.size());
            for (int k = 0; k < stepNames.size(); k++) {
                columns.add(row.getString(k + 2));
            }
            return columns;
        }, params.toArray());
    }

    /**
     * Marks {@code tx}'s transaction as compensating saga {@code id} ({@code integrity.compensating_saga}), which lets
     * the database remove exactly that saga's rows.
     */
    void markCompensating(Tx tx, UUID id) {
        tx.single("SELECT set_config('integrity.compensating_saga', ?, true)", r -> r.getString(1), id.toString());
    }

    /**
     * Completes a group of sagas, each {@code a} in {@code group} numbered ({@link Advance#nextSeq}) and moving a
     * RUNNING saga to COMPLETED: one UPDATE and one INSERT for the whole group, no function call per saga, committed
     * without waiting for the WAL flush. Fenced like every advance: a saga no longer RUNNING at the expected step under
     * this owner is not touched, nor its events.
     *
     * @return how many sagas it completed
     */
    long completeAll(Tx tx, List<Advance> group) {
        ArrayNode input = json.createArrayNode();
        for (Advance a : group) {
            ObjectNode n = input.addObject();
            n.put("id", a.id().toString());
            n.put("owner", a.owner());
            n.put("expected", a.expectedStep());
            n.put("step", a.newStep());
            n.set("events", eventsNode(a.events()));
            n.put("seq", a.nextSeq());
            n.put("status", SagaStatus.RUNNING.name());
        }
        // The expected status comes with the input rather than as the constant 'RUNNING': with the constant, the
        // planner reads every entry of the partial index of unfinished sagas (dead ones too, until vacuum) instead of
        // one primary-key probe per saga, and a group's cost grew with the sagas finished since the last vacuum.
        String sql = "WITH input AS (SELECT * FROM jsonb_to_recordset(?::jsonb)"
                + " AS x(id uuid, owner text, status text, expected int, step int, seq int, events jsonb)),"
                + " done AS (UPDATE sagas s SET status = 'COMPLETED', current_step = i.step, updated_at = now(), finished_at = now(),"
                + " version = s.version + 1 FROM input i WHERE s.id = i.id AND s.owner_instance = i.owner AND s.status = i.status"
                + " AND s.current_step = i.expected RETURNING s.id),"
                + " ev AS (INSERT INTO saga_event_batches (saga_id, first_seq, events)"
                + " SELECT i.id, i.seq, i.events FROM input i JOIN done d ON d.id = i.id WHERE jsonb_array_length(i.events) > 0)"
                + " SELECT count(*), set_config('synchronous_commit', 'off', true) FROM done";
        return tx.single(sql, r -> r.getLong(1), input.toString());
    }

    private String eventsJson(List<NewEvent> events) {
        return eventsNode(events).toString();
    }

    private ArrayNode eventsNode(List<NewEvent> events) {
        ArrayNode array = json.createArrayNode();
        for (NewEvent e : events) {
            ObjectNode n = array.addObject();
            n.put("type", e.type().name());
            if (e.step() != null) {
                n.put("step", e.step());
            }
            if (e.payload() != null) {
                n.set("payload", e.payload());
            }
            if (e.error() != null) {
                n.put("error", e.error());
            }
            if (e.actor() != null) {
                n.put("actor", e.actor());
            }
            if (e.reason() != null) {
                n.put("reason", e.reason());
            }
        }
        return array;
    }

    /**
     * Takes over up to {@code limit} unfinished sagas whose owner's lease has expired. Each saga is taken by
     * exactly one caller: rows are locked with {@code SKIP LOCKED} and the new lease hides them from the others.
     */
    List<UUID> claimExpired(String owner, Duration lease, int limit) {
        String sql = "WITH c AS (SELECT id FROM sagas WHERE status IN ('RUNNING', 'COMPENSATING')"
                + " AND lease_expires_at < clock_timestamp() ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " UPDATE sagas s SET owner_instance = ?, lease_expires_at = clock_timestamp() + make_interval(secs => ? / 1000.0),"
                + " updated_at = now(), attempts = s.attempts + 1, version = s.version + 1 FROM c WHERE s.id = c.id RETURNING s.id";
        return jdbc.read("recover stuck sagas", tx -> tx.list(sql, r -> UUID.fromString(r.getString(1)), limit, owner, lease.toMillis()));
    }

    /**
     * Takes saga {@code id}, if it is in {@code expected} status, for a manual action: {@code owner} with a new lease,
     * in {@code newStatus} (finished now if that status is final).
     *
     * @return the saga's current step, or empty when it was not in {@code expected} status (nothing changed)
     */
    Optional<Integer> claimForManualAction(Tx tx, UUID id, String owner, Duration lease, SagaStatus expected, SagaStatus newStatus) {
        return tx.first("UPDATE sagas SET owner_instance = ?, status = ?,"
                + " lease_expires_at = clock_timestamp() + make_interval(secs => ? / 1000.0), updated_at = now(),"
                + " finished_at = CASE WHEN ? THEN now() END, version = version + 1"
                + " WHERE id = ?::uuid AND status = ? RETURNING current_step",
                r -> r.getInt(1), owner, newStatus.name(), lease.toMillis(), newStatus.finished(), id.toString(), expected.name());
    }

    /** Sagas finished in the last {@code window}, and how many of them were compensated (refusals not counted). */
    SagaMetrics.RollbackRate rollbackRate(Tx tx, Duration window) {
        // Refusals (a mailbox already taken, say) are business outcomes, not rollbacks: they are not counted.
        return tx.single("SELECT count(*), count(*) FILTER (WHERE status = 'COMPENSATED')"
                + " FROM sagas WHERE status IN ('COMPLETED', 'COMPENSATED') AND finished_at >= now() - make_interval(secs => ?)"
                + " AND NOT (status = 'COMPENSATED' AND coalesce(last_error, '') LIKE 'rejected: %')",
                r -> new SagaMetrics.RollbackRate(window, r.getLong(1), r.getLong(2)), window.toSeconds());
    }

    /** Per saga type, sorted: the duration percentiles of the sagas completed in the last 24 hours. */
    Map<String, SagaMetrics.Durations> completedDurations(Tx tx) {
        Map<String, SagaMetrics.Durations> durations = new LinkedHashMap<>();
        tx.list("SELECT saga_type, count(*),"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY ms),"
                + " percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM (SELECT saga_type,"
                + " extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM sagas WHERE status = 'COMPLETED'"
                + " AND finished_at >= now() - interval '24 hours') d GROUP BY saga_type ORDER BY saga_type",
                r -> Map.entry(r.getString(1), new SagaMetrics.Durations(r.getLong(2), r.getDouble(3), r.getDouble(4), r.getDouble(5))))
                .forEach(e -> durations.put(e.getKey(), e.getValue()));
        return durations;
    }

    /** Sagas in FAILED_NEEDS_ATTENTION, and unfinished sagas whose owner's lease has expired. */
    Backlog backlog(Tx tx) {
        return tx.single("SELECT count(*) FILTER (WHERE status = 'FAILED_NEEDS_ATTENTION'),"
                + " count(*) FILTER (WHERE status IN ('RUNNING', 'COMPENSATING') AND lease_expires_at < clock_timestamp())"
                + " FROM sagas WHERE status NOT IN ('COMPLETED', 'COMPENSATED', 'RESOLVED')",
                r -> new Backlog(r.getLong(1), r.getLong(2)));
    }

    /** One saga with its events: two primary-key reads on one connection. */
    Optional<SagaRecord> load(UUID id) {
        return jdbc.read(READ, tx -> {
            List<SagaRecord> rows = select(tx, "WHERE id = ?::uuid", List.of(id.toString()), 1);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            SagaRecord r = rows.get(0);
            return Optional.of(new SagaRecord(r.id(), r.type(), r.businessKey(), r.status(), r.currentStep(), r.stepCount(),
                    r.owner(), r.leaseExpiresAt(), r.lastError(), r.data(), r.createdAt(), r.updatedAt(), r.finishedAt(),
                    events(tx, id)));
        });
    }

    /** Sagas matching the filter, newest first, without their events. */
    List<SagaRecord> list(Optional<SagaStatus> status, Optional<String> type, Optional<Instant> since, int limit) {
        StringBuilder where = new StringBuilder("WHERE true");
        List<String> args = new ArrayList<>();
        status.ifPresent(s -> {
            where.append(" AND status = ?");
            args.add(s.name());
        });
        type.ifPresent(t -> {
            where.append(" AND saga_type = ?");
            args.add(t);
        });
        since.ifPresent(t -> {
            where.append(" AND created_at >= ?::timestamptz");
            args.add(t.toString());
        });
        return jdbc.read(READ, tx -> select(tx, where + " ORDER BY created_at DESC", args, limit));
    }

    /**
     * A page of sagas matching {@code query}, newest first, starting after {@code after}. Reads at most
     * {@code size + 1} rows through the start-time indexes (one more, to know whether a next page exists).
     */
    SagaPage page(SagaQuery query, Optional<SagaPage.Cursor> after, int size) {
        StringBuilder where = new StringBuilder("WHERE true");
        List<String> args = new ArrayList<>();
        query.status().ifPresent(s -> {
            where.append(" AND status = ?");
            args.add(s.name());
        });
        query.type().ifPresent(t -> {
            where.append(" AND saga_type = ?");
            args.add(t);
        });
        query.from().ifPresent(t -> {
            where.append(" AND created_at >= ?::timestamptz");
            args.add(t.toString());
        });
        query.to().ifPresent(t -> {
            where.append(" AND created_at < ?::timestamptz");
            args.add(t.toString());
        });
        after.ifPresent(cursor -> {
            // "created_at <= ?" alone can use the time indexes; the OR breaks ties between sagas started together.
            where.append(" AND created_at <= ?::timestamptz AND (created_at < ?::timestamptz OR id < ?::uuid)");
            args.add(cursor.createdAt().toString());
            args.add(cursor.createdAt().toString());
            args.add(cursor.id().toString());
        });
        List<SagaRecord> rows = jdbc.read(READ, tx -> select(tx, where + " ORDER BY created_at DESC, id DESC", args, size + 1));
        if (rows.size() <= size) {
            return new SagaPage(rows, Optional.empty());
        }
        List<SagaRecord> page = List.copyOf(rows.subList(0, size));
        SagaRecord last = page.get(size - 1);
        return new SagaPage(page, Optional.of(new SagaPage.Cursor(last.createdAt(), last.id())));
    }

    private List<SagaRecord> select(Tx tx, String where, List<String> args, int limit) {
        String sql = "SELECT id, saga_type, business_key, status, current_step, step_count, owner_instance, lease_expires_at,"
                + " last_error, data, created_at, updated_at, finished_at FROM sagas " + where + " LIMIT " + limit;
        return tx.list(sql, this::sagaRow, args.toArray());
    }

    private SagaRecord sagaRow(Row r) {
        return new SagaRecord(UUID.fromString(r.getString(1)), r.getString(2), r.getString(3),
                SagaStatus.valueOf(r.getString(4)), r.getInt(5), r.getInt(6), Optional.ofNullable(r.getString(7)),
                Optional.ofNullable(r.getInstant(8)), Optional.ofNullable(r.getString(9)), parse(r.getString(10)),
                r.getInstant(11), r.getInstant(12), Optional.ofNullable(r.getInstant(13)), List.of());
    }

    private List<SagaEvent> events(Tx tx, UUID id) {
        return tx.list("SELECT seq, event_type, step_name, payload, error, actor, reason, created_at"
                + " FROM saga_events WHERE saga_id = ?::uuid ORDER BY seq",
                r -> new SagaEvent(r.getInt(1), SagaEvent.Type.valueOf(r.getString(2)), Optional.ofNullable(r.getString(3)),
                        Optional.ofNullable(r.getString(4)).map(this::parse), Optional.ofNullable(r.getString(5)),
                        Optional.ofNullable(r.getString(6)), Optional.ofNullable(r.getString(7)), r.getInstant(8)),
                id.toString());
    }

    private JsonNode parse(String s) {
        try {
            return s == null ? json.nullNode() : json.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("saga log holds invalid JSON", e);
        }
    }
}
