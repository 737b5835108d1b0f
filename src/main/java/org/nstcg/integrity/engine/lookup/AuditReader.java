package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.audit.AuditTrail;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads and verifies the audit trail that {@link AuditTrail} writes, for an actor who may read it
 * ({@link Permission#VIEW_AUDIT}): the faces' only way to the trail.
 *
 * <p>Design notes: a read model like the user look-up, so it lives here and not in {@code engine.audit}: accounts
 * write audit entries and the reader checks an account's permission, so with both in one place {@code account} and
 * {@code audit} depended on each other (ArchitectureTest keeps engine slices free of cycles).
 */
public final class AuditReader {

    private final Jdbc jdbc;
    private final ObjectMapper json;

    public AuditReader(Jdbc jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
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
        return read(tx -> tx.single(sql, r -> {
            Optional<String> problem = Optional.ofNullable(r.getString(3)).map(kind -> kind.equals("changed")
                    ? "its content no longer matches its hash: it was changed after it was written"
                    : "it does not link to the entry before it: an entry before it was removed, inserted or changed");
            return new AuditVerification(r.getLong(1), Optional.ofNullable(r.getLongOrNull(2)), problem,
                    Optional.ofNullable(r.getLongOrNull(4)), Optional.ofNullable(r.getString(5)));
        }, AuditTrail.GENESIS, AuditTrail.GENESIS));
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
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ").append(size + 1);
        List<AuditEntry> rows = query(sql.toString(), args);
        if (rows.size() <= size) {
            return new AuditPage(rows, Optional.empty());
        }
        List<AuditEntry> page = List.copyOf(rows.subList(0, size));
        AuditEntry last = page.get(size - 1);
        return new AuditPage(page, Optional.of(new AuditPage.Cursor(last.occurredAt(), last.id())));
    }

    /**
     * The entry at position {@code id} of the chain, if there is one.
     *
     * @throws EngineException when PostgreSQL cannot be read
     */
    public Optional<AuditEntry> entry(Actor by, long id) {
        by.authorize(Permission.VIEW_AUDIT);
        return query(COLUMNS + " WHERE id = ?", List.of(id)).stream().findFirst();
    }

    private static final String COLUMNS = "SELECT id, occurred_at, actor, action, target_type, target_id, before_state,"
            + " after_state, details, prev_hash, hash FROM audit_log";

    /** {@code text} matched literally by LIKE (whose default escape character is the backslash). */
    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private List<AuditEntry> query(String sql, List<Object> args) {
        return read(tx -> tx.list(sql, this::entry, args.toArray()));
    }

    private AuditEntry entry(Row r) {
        return new AuditEntry(r.getLong(1), r.getInstant(2), r.getString(3), r.getString(4),
                Optional.ofNullable(r.getString(5)), Optional.ofNullable(r.getString(6)), parse(r.getString(7)),
                parse(r.getString(8)), Optional.ofNullable(r.getString(9)), r.getString(10), r.getString(11));
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
            args.add(s);
        });
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, Math.min(limit, 100_000)));
        return query(sql.toString(), args);
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

    /** Runs a read of the trail; a failure reads "Cannot read the audit trail in PostgreSQL (reason)." */
    private <T> T read(Jdbc.Work<T> work) {
        return jdbc.read("read the audit trail", work);
    }
}
