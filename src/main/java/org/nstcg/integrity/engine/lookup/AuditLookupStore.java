package org.nstcg.integrity.engine.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL that reads the audit trail ({@code audit_log}, V5) for {@link AuditReader}, each statement in the caller's
 * {@link Tx}: the permission, the page size and the paging are the reader's.
 */
final class AuditLookupStore {

    private static final String COLUMNS = "SELECT id, occurred_at, actor, action, target_type, target_id, before_state,"
            + " after_state, details, prev_hash, hash FROM audit_log";

    private final ObjectMapper json;

    AuditLookupStore(ObjectMapper json) {
        this.json = json;
    }

    /**
     * At most {@code limit} entries matching {@code query}, newest first by {@code (occurred_at, id)}, after
     * {@code after}: each filter reads through an index; an action ending in {@code *} is a prefix, the text is
     * matched literally, in the details or the target id, ignoring case.
     */
    List<AuditEntry> page(Tx tx, AuditQuery query, Optional<AuditPage.Cursor> after, int limit) {
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
            args.add(t);
        });
        query.to().ifPresent(t -> {
            sql.append(" AND occurred_at < ?");
            args.add(t);
        });
        after.ifPresent(cursor -> {
            // "occurred_at <= ?" alone can use the time indexes; the OR breaks ties between entries of the same instant.
            sql.append(" AND occurred_at <= ? AND (occurred_at < ? OR id < ?)");
            args.add(cursor.occurredAt());
            args.add(cursor.occurredAt());
            args.add(cursor.id());
        });
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ").append(limit);
        return tx.list(sql.toString(), this::entry, args.toArray());
    }

    /** The entry at position {@code id} of the chain, if there is one. */
    Optional<AuditEntry> entry(Tx tx, long id) {
        return tx.list(COLUMNS + " WHERE id = ?", this::entry, id).stream().findFirst();
    }

    /**
     * At most {@code limit} entries newest first by id, optionally only one actor's, one action's (exactly, or, ending in
     * {@code *}, every action it starts; {@code %} and {@code _} match only themselves), one target's, or those since an instant.
     */
    List<AuditEntry> list(Tx tx, Optional<String> actor, Optional<String> action, Optional<String> targetId,
                          Optional<Instant> since, int limit) {
        StringBuilder sql = new StringBuilder(COLUMNS + " WHERE true");
        List<Object> args = new ArrayList<>();
        actor.ifPresent(a -> {
            sql.append(" AND actor = ?");
            args.add(a);
        });
        action.ifPresent(a -> {
            if (a.endsWith("*")) { // a prefix: only the final * is a wildcard, % and _ are literal, as in page()
                sql.append(" AND action LIKE ?");
                args.add(likeEscaped(a.substring(0, a.length() - 1)) + "%");
            } else {
                sql.append(" AND action = ?");
                args.add(a);
            }
        });
        targetId.ifPresent(t -> {
            sql.append(" AND target_id = ?");
            args.add(t);
        });
        since.ifPresent(s -> {
            sql.append(" AND occurred_at >= ?");
            args.add(s);
        });
        sql.append(" ORDER BY id DESC LIMIT ").append(limit);
        return tx.list(sql.toString(), this::entry, args.toArray());
    }

    /** {@code text} matched literally by LIKE (whose default escape character is the backslash). */
    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private AuditEntry entry(Row r) {
        return new AuditEntry(r.getLong(1), r.getInstant(2), r.getString(3), r.getString(4),
                Optional.ofNullable(r.getString(5)), Optional.ofNullable(r.getString(6)), parse(r.getString(7)),
                parse(r.getString(8)), Optional.ofNullable(r.getString(9)), r.getString(10), r.getString(11));
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
}
