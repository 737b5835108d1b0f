package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The durable saga log in PostgreSQL ({@code sagas}, {@code saga_events}). Every change of a saga goes through
 * the database function {@code saga_advance}, which appends the events and moves the saga in the caller's
 * transaction, fenced by owner, lease, status and step.
 */
public final class SagaLog {

    private final DataSource dataSource;
    private final ObjectMapper json;

    public SagaLog(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    DataSource dataSource() {
        return dataSource;
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

    /**
     * The call of {@code saga_advance}, for embedding in a statement; {@code extraEvents} is a SQL expression of
     * type jsonb (an array) appended to the advance's own events, or null.
     */
    static String advanceCall(String extraEvents) {
        String events = extraEvents == null ? "?::jsonb" : "(?::jsonb || " + extraEvents + ")";
        return "saga_advance(?::uuid, ?, ?, ?, ?, ?, ?, " + events + ", ?, ?, ?, ?::jsonb, ?, ?, ?, ?)";
    }

    /**
     * Binds the parameters of {@link #advanceCall} from {@code index}; returns the next index. {@code extraParams}
     * are the parameters of the extra events expression (they follow the events parameter).
     */
    int bindAdvance(PreparedStatement ps, int index, Advance a, Optional<Creation> create, List<String> extraParams) throws SQLException {
        ps.setString(index++, a.id().toString());
        ps.setString(index++, a.owner());
        ps.setString(index++, a.expectedStatus() == null ? null : a.expectedStatus().name());
        ps.setInt(index++, a.expectedStep());
        ps.setString(index++, a.newStatus().name());
        ps.setInt(index++, a.newStep());
        ps.setInt(index++, (int) Math.min(Integer.MAX_VALUE, a.lease().toMillis()));
        ps.setString(index++, eventsJson(a.events()));
        for (String extra : extraParams) {
            ps.setString(index++, extra);
        }
        ps.setBoolean(index++, create.isPresent());
        ps.setString(index++, create.map(Creation::type).orElse(null));
        ps.setString(index++, create.map(Creation::businessKey).orElse(null));
        ps.setString(index++, create.map(cr -> cr.data().toString()).orElse(null));
        if (create.isPresent()) {
            ps.setInt(index++, create.get().stepCount());
        } else {
            ps.setNull(index++, Types.INTEGER);
        }
        ps.setString(index++, a.error());
        ps.setBoolean(index++, a.async());
        if (a.nextSeq() == null) {
            ps.setNull(index++, Types.INTEGER);
        } else {
            ps.setInt(index++, a.nextSeq());
        }
        return index;
    }

    /** The fencing failure of {@code saga_advance} as {@link SagaFencedException}; other errors unchanged. */
    static SQLException fenced(SQLException e, UUID id) {
        if ("40001".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("is no longer owned")) {
            throw new SagaFencedException(id);
        }
        return e;
    }

    void advance(Connection c, Advance a, Optional<Creation> create) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + advanceCall(null))) {
            bindAdvance(ps, 1, a, create, List.of());
            ps.executeQuery().close();
        } catch (SQLException e) {
            throw fenced(e, a.id());
        }
    }

    /** Runs {@link #advance} in its own autocommit call. */
    void advance(Advance a, Optional<Creation> create) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            advance(c, a, create);
        }
    }

    private String eventsJson(List<NewEvent> events) {
        return eventsNode(events).toString();
    }

    ArrayNode eventsNode(List<NewEvent> events) {
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
    List<UUID> claimExpired(String owner, Duration lease, int limit) throws SQLException {
        String sql = "WITH c AS (SELECT id FROM sagas WHERE status IN ('RUNNING', 'COMPENSATING')"
                + " AND lease_expires_at < clock_timestamp() ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " UPDATE sagas s SET owner_instance = ?, lease_expires_at = clock_timestamp() + make_interval(secs => ? / 1000.0),"
                + " updated_at = now(), attempts = s.attempts + 1, version = s.version + 1 FROM c WHERE s.id = c.id RETURNING s.id";
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            ps.setString(2, owner);
            ps.setLong(3, lease.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(UUID.fromString(rs.getString(1)));
                }
            }
        }
        return ids;
    }

    /** Takes a saga in {@code expected} status for a manual action, appending the action's event. */
    boolean claimForManualAction(UUID id, String owner, Duration lease, SagaStatus expected, SagaStatus newStatus,
                                 String actor, String reason, String action, ManualActionRecorder recorder) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int step;
                try (PreparedStatement ps = c.prepareStatement("UPDATE sagas SET owner_instance = ?, status = ?,"
                        + " lease_expires_at = clock_timestamp() + make_interval(secs => ? / 1000.0), updated_at = now(),"
                        + " finished_at = CASE WHEN ? THEN now() END, version = version + 1"
                        + " WHERE id = ?::uuid AND status = ? RETURNING current_step")) {
                    ps.setString(1, owner);
                    ps.setString(2, newStatus.name());
                    ps.setLong(3, lease.toMillis());
                    ps.setBoolean(4, newStatus.finished());
                    ps.setString(5, id.toString());
                    ps.setString(6, expected.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return false;
                        }
                        step = rs.getInt(1);
                    }
                }
                ObjectNode payload = json.createObjectNode().put("action", action);
                advance(c, new Advance(id, owner, newStatus, step, newStatus, step, lease,
                        List.of(new NewEvent(SagaEvent.Type.MANUAL_ACTION, null, payload, null, actor, reason)), false, null),
                        Optional.empty());
                recorder.record(c, id, action, actor, reason, expected, newStatus);
                c.commit();
                return true;
            } catch (Throwable e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    public Optional<SagaRecord> load(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<SagaRecord> rows = select(c, "WHERE id = ?::uuid", List.of(id.toString()), 1);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            SagaRecord r = rows.get(0);
            return Optional.of(new SagaRecord(r.id(), r.type(), r.businessKey(), r.status(), r.currentStep(), r.stepCount(),
                    r.owner(), r.leaseExpiresAt(), r.lastError(), r.data(), r.createdAt(), r.updatedAt(), r.finishedAt(),
                    events(c, id)));
        }
    }

    /** Sagas matching the filter, newest first, without their events. */
    public List<SagaRecord> list(Optional<SagaStatus> status, Optional<String> type, Optional<Instant> since, int limit) throws SQLException {
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
        try (Connection c = dataSource.getConnection()) {
            return select(c, where + " ORDER BY created_at DESC", args, limit);
        }
    }

    /**
     * A page of sagas matching {@code query}, newest first, starting after {@code after}. Reads at most
     * {@code size + 1} rows through the start-time indexes (one more, to know whether a next page exists).
     */
    public SagaPage page(SagaQuery query, Optional<SagaPage.Cursor> after, int size) throws SQLException {
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
        List<SagaRecord> rows;
        try (Connection c = dataSource.getConnection()) {
            rows = select(c, where + " ORDER BY created_at DESC, id DESC", args, size + 1);
        }
        if (rows.size() <= size) {
            return new SagaPage(rows, Optional.empty());
        }
        List<SagaRecord> page = List.copyOf(rows.subList(0, size));
        SagaRecord last = page.get(size - 1);
        return new SagaPage(page, Optional.of(new SagaPage.Cursor(last.createdAt(), last.id())));
    }

    private List<SagaRecord> select(Connection c, String where, List<String> args, int limit) throws SQLException {
        String sql = "SELECT id, saga_type, business_key, status, current_step, step_count, owner_instance, lease_expires_at,"
                + " last_error, data, created_at, updated_at, finished_at FROM sagas " + where + " LIMIT " + limit;
        List<SagaRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SagaRecord(UUID.fromString(rs.getString(1)), rs.getString(2), rs.getString(3),
                            SagaStatus.valueOf(rs.getString(4)), rs.getInt(5), rs.getInt(6), Optional.ofNullable(rs.getString(7)),
                            instant(rs.getTimestamp(8)), Optional.ofNullable(rs.getString(9)), parse(rs.getString(10)),
                            rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant(), instant(rs.getTimestamp(13)), List.of()));
                }
            }
        }
        return out;
    }

    private List<SagaEvent> events(Connection c, UUID id) throws SQLException {
        List<SagaEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_type, step_name, payload, error, actor, reason, created_at"
                + " FROM saga_events WHERE saga_id = ?::uuid ORDER BY seq")) {
            ps.setString(1, id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SagaEvent(rs.getInt(1), SagaEvent.Type.valueOf(rs.getString(2)), Optional.ofNullable(rs.getString(3)),
                            Optional.ofNullable(rs.getString(4)).map(this::parse), Optional.ofNullable(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), rs.getTimestamp(8).toInstant()));
                }
            }
        }
        return out;
    }

    private static Optional<Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    private JsonNode parse(String s) {
        try {
            return s == null ? json.nullNode() : json.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("saga log holds invalid JSON", e);
        }
    }
}
