package org.nstcg.integrity.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads and verifies the audit trail that {@link AuditTrail} writes, for an actor who may read it
 * ({@link Permission#VIEW_AUDIT}): the faces' only way to the trail.
 */
public final class AuditReader {

    private final DataSource dataSource;
    private final ObjectMapper json;

    public AuditReader(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /**
     * Recomputes every entry's hash and checks every link, in one pass in the database.
     *
     * @return intact, or the first tampered or missing entry
     */
    public AuditVerification verify(Actor by) {
        by.authorize(Permission.VIEW_AUDIT);
        String sql = "WITH c AS (SELECT id, hash, prev_hash, lag(hash) OVER (ORDER BY id) AS expected_prev,"
                + " audit_entry_hash(prev_hash, occurred_at, actor, action, target_type, target_id, before_state, after_state, details)"
                + " AS recomputed FROM audit_log)"
                + " SELECT (SELECT count(*) FROM c),"
                + " (SELECT id FROM c WHERE hash <> recomputed OR prev_hash <> coalesce(expected_prev, ?) ORDER BY id LIMIT 1),"
                + " (SELECT CASE WHEN hash <> recomputed THEN 'changed' ELSE 'unlinked' END FROM c"
                + "   WHERE hash <> recomputed OR prev_hash <> coalesce(expected_prev, ?) ORDER BY id LIMIT 1),"
                + " (SELECT id FROM c ORDER BY id DESC LIMIT 1), (SELECT hash FROM c ORDER BY id DESC LIMIT 1)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, AuditTrail.GENESIS);
            ps.setString(2, AuditTrail.GENESIS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                long bad = rs.getLong(2);
                Optional<Long> firstBad = rs.wasNull() ? Optional.empty() : Optional.of(bad);
                Optional<String> problem = Optional.ofNullable(rs.getString(3)).map(kind -> kind.equals("changed")
                        ? "its content no longer matches its hash: it was changed after it was written"
                        : "it does not link to the entry before it: an entry before it was removed, inserted or changed");
                long head = rs.getLong(4);
                Optional<Long> headId = rs.wasNull() ? Optional.empty() : Optional.of(head);
                return new AuditVerification(count, firstBad, problem, headId, Optional.ofNullable(rs.getString(5)));
            }
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    /**
     * A page of entries matching {@code query}, newest first, starting after {@code after}. Keyset-paged over
     * {@code (occurred_at, id)}, so that the actor, action, target and time filters each read through an index and
     * any page of millions of entries costs the same; a text search reads newest first and stops at the page.
     *
     * @param size entries per page, 1 to 1,000
     * @throws EngineException when PostgreSQL cannot be read
     */
    public AuditPage page(Actor by, AuditQuery query, Optional<AuditPage.Cursor> after, int size) {
        by.authorize(Permission.VIEW_AUDIT);
        if (size < 1 || size > 1000) {
            throw new IllegalArgumentException("a page holds 1 to 1000 entries, not " + size);
        }
        StringBuilder sql = new StringBuilder(COLUMNS + " WHERE true");
        List<Object> args = new ArrayList<>();
        query.actor().ifPresent(a -> {
            sql.append(" AND actor = ?");
            args.add(a);
        });
        query.action().ifPresent(a -> {
            if (a.endsWith("*")) {
                sql.append(" AND action LIKE ?");
                args.add(likeEscaped(a.substring(0, a.length() - 1)) + "%");
            } else {
                sql.append(" AND action = ?");
                args.add(a);
            }
        });
        query.target().ifPresent(t -> {
            sql.append(" AND target_id = ?");
            args.add(t);
        });
        query.text().ifPresent(t -> {
            sql.append(" AND (details ILIKE ? OR target_id ILIKE ?)");
            args.add("%" + likeEscaped(t) + "%");
            args.add("%" + likeEscaped(t) + "%");
        });
        query.from().ifPresent(t -> {
            sql.append(" AND occurred_at >= ?");
            args.add(Timestamp.from(t));
        });
        query.to().ifPresent(t -> {
            sql.append(" AND occurred_at < ?");
            args.add(Timestamp.from(t));
        });
        after.ifPresent(cursor -> {
            // "occurred_at <= ?" alone can use the time indexes; the OR breaks ties between entries of the same instant.
            sql.append(" AND occurred_at <= ? AND (occurred_at < ? OR id < ?)");
            args.add(Timestamp.from(cursor.occurredAt()));
            args.add(Timestamp.from(cursor.occurredAt()));
            args.add(cursor.id());
        });
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ").append(size + 1);
        try {
            List<AuditEntry> rows = query(sql.toString(), args);
            if (rows.size() <= size) {
                return new AuditPage(rows, Optional.empty());
            }
            List<AuditEntry> page = List.copyOf(rows.subList(0, size));
            AuditEntry last = page.get(size - 1);
            return new AuditPage(page, Optional.of(new AuditPage.Cursor(last.occurredAt(), last.id())));
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    /**
     * The entry at position {@code id} of the chain, if there is one.
     *
     * @throws EngineException when PostgreSQL cannot be read
     */
    public Optional<AuditEntry> entry(Actor by, long id) {
        by.authorize(Permission.VIEW_AUDIT);
        try {
            return query(COLUMNS + " WHERE id = ?", List.of(id)).stream().findFirst();
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    private static final String COLUMNS = "SELECT id, occurred_at, actor, action, target_type, target_id, before_state,"
            + " after_state, details, prev_hash, hash FROM audit_log";

    /** {@code text} matched literally by LIKE (whose default escape character is the backslash). */
    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private List<AuditEntry> query(String sql, List<Object> args) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
        }
        return out;
    }

    private AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), parse(rs.getString(7)),
                parse(rs.getString(8)), Optional.ofNullable(rs.getString(9)), rs.getString(10), rs.getString(11));
    }

    /** Entries newest first, optionally only one actor's, one action's, or one target's. */
    public List<AuditEntry> list(Actor by, Optional<String> actor, Optional<String> action, Optional<String> targetId,
                                 Optional<Instant> since, int limit) {
        by.authorize(Permission.VIEW_AUDIT);
        StringBuilder sql = new StringBuilder("SELECT id, occurred_at, actor, action, target_type, target_id, before_state,"
                + " after_state, details, prev_hash, hash FROM audit_log WHERE true");
        List<Object> args = new ArrayList<>();
        actor.ifPresent(a -> {
            sql.append(" AND actor = ?");
            args.add(a);
        });
        action.ifPresent(a -> {
            sql.append(" AND action LIKE ?");
            args.add(a.endsWith("*") ? a.substring(0, a.length() - 1) + "%" : a);
        });
        targetId.ifPresent(t -> {
            sql.append(" AND target_id = ?");
            args.add(t);
        });
        since.ifPresent(s -> {
            sql.append(" AND occurred_at >= ?");
            args.add(Timestamp.from(s));
        });
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, Math.min(limit, 100_000)));
        try {
            return query(sql.toString(), args);
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    private Optional<JsonNode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit_log holds invalid JSON", e);
        }
    }

    private static EngineException unreadable(SQLException e) {
        return new EngineException("PostgreSQL could not read the audit trail (" + ConnectionFailures.reason(e) + ").", e);
    }
}
