package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Merges duplicate emails, both kinds:
 * <ul>
 *   <li>active users sharing one normalised mailbox (possible only if the unique index was lost): every user but
 *   the earliest is merged into the earliest through the merge saga (points combined, referrals re-pointed, codes
 *   kept as aliases, unmergeable);</li>
 *   <li>legacy rows held by an import because their mailbox belongs to a user: each is folded into that user in
 *   one transaction: its points are added through a ledger entry, its referral code (if it was never issued) becomes
 *   an alias of the user, and the row is marked imported as that user.</li>
 * </ul>
 */
final class DuplicateEmailRepair implements Repair {

    /** Merges one user into another through the merge saga; returns a sentence saying what happened. */
    interface Merger {
        String preview(long survivor, long duplicate, Actor actor);

        String merge(long survivor, long duplicate, Actor actor, String reason);
    }

    private static final String ACTIVE_DUPLICATES = "SELECT u.id, first_value(u.id) OVER (PARTITION BY u.email_normalized"
            + " ORDER BY u.created_at, u.id) AS survivor, u.email_normalized FROM users u WHERE u.status = 'active'"
            + " AND u.email_normalized IN (SELECT email_normalized FROM users WHERE status = 'active' GROUP BY 1 HAVING count(*) > 1)";

    /** Held legacy rows whose mailbox is a user's: the row, the user, its points and code. */
    private static final String HELD_ROWS = "SELECT l.import_id, l.line_no, t.id, coalesce(l.points, 0), l.referral_code, l.email_normalized"
            + " FROM legacy_users l JOIN users t ON t.id = coalesce(l.collides_with,"
            + "   (SELECT e.user_id FROM legacy_users e WHERE e.import_id = l.import_id AND e.line_no = l.collides_with_line))"
            + " WHERE l.status = 'held' AND t.email_normalized = l.email_normalized AND t.status = 'active'";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final AuditTrail audit;
    private final CacheCoordinator cache;
    private final Merger merger;

    DuplicateEmailRepair(DataSource dataSource, ObjectMapper json, AuditTrail audit, CacheCoordinator cache, Merger merger) {
        this.dataSource = dataSource;
        this.json = json;
        this.audit = audit;
        this.cache = cache;
        this.merger = merger;
    }

    @Override
    public String kind() {
        return "duplicate-emails";
    }

    @Override
    public String description() {
        return "Merges users who share a mailbox into the earliest, and folds legacy rows held for a taken mailbox into its user.";
    }

    private record Pair(long duplicate, long survivor, String mailbox) {
    }

    private List<Pair> activeDuplicates(Connection c) throws SQLException {
        List<Pair> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, survivor, email_normalized FROM (" + ACTIVE_DUPLICATES
                + ") t WHERE id <> survivor ORDER BY survivor, id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Pair(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        return out;
    }

    @Override
    public RepairPlan preview(Actor by) {
        Actor previewing = Actor.onBehalf(by, Permission.APPLY_REPAIRS);
        List<PlannedChange> changes = new ArrayList<>();
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            for (Pair p : activeDuplicates(c)) {
                total++;
                if (changes.size() < MAX_LISTED) {
                    changes.add(new PlannedChange("user", Long.toString(p.duplicate()), null, json.createObjectNode().put("mergedInto", p.survivor()),
                            "user " + p.duplicate() + " (" + p.mailbox() + ") would be merged into user " + p.survivor() + ": "
                                    + merger.preview(p.survivor(), p.duplicate(), previewing)));
                }
            }
            total += held(c, false, changes);
        } catch (SQLException e) {
            throw new EngineException("Cannot look for duplicate emails (" + ConnectionFailures.reason(e) + ").", e);
        }
        return new RepairPlan(kind(), changes, total, false);
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        Actor.OnBehalf merging = Actor.onBehalf(by, Permission.APPLY_REPAIRS);
        String actor = merging.name();
        List<PlannedChange> changes = new ArrayList<>();
        long total = 0;
        List<String> stale = new ArrayList<>(List.of("leaderboard:referrers"));
        try (Connection c = dataSource.getConnection()) {
            for (Pair p : activeDuplicates(c)) {
                total++;
                String outcome = merger.merge(p.survivor(), p.duplicate(), merging, reason);
                if (changes.size() < MAX_LISTED) {
                    changes.add(new PlannedChange("user", Long.toString(p.duplicate()), null, json.createObjectNode().put("mergedInto", p.survivor()),
                            "user " + p.duplicate() + " (" + p.mailbox() + ") merged into user " + p.survivor() + ": " + outcome));
                }
            }
            c.setAutoCommit(false);
            try {
                List<PlannedChange> folded = new ArrayList<>();
                long n = held(c, true, folded);
                if (n > 0) {
                    audit.record(c, AuditEvent.of(actor, "repair." + kind()).target("repair", kind())
                            .states(null, json.createObjectNode().put("legacyRowsFolded", n)).details(reason));
                }
                c.commit();
                total += n;
                folded.forEach(ch -> stale.add("user:" + ch.after().path("userId").asLong()));
                folded.stream().limit(Math.max(0, MAX_LISTED - changes.size())).forEach(changes::add);
            } catch (Throwable e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new EngineException("The duplicate-emails repair could not finish (" + ConnectionFailures.reason(e)
                    + "); merges already made stay, held legacy rows were not changed.", e);
        }
        cache.afterCommit(stale);
        return new RepairPlan(kind(), changes, total, true);
    }

    /** Lists (and when {@code apply}, folds) held legacy rows whose mailbox is a user's; returns how many. */
    private long held(Connection c, boolean apply, List<PlannedChange> changes) throws SQLException {
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement(HELD_ROWS + " ORDER BY l.import_id, l.line_no" + (apply ? " FOR UPDATE OF l" : ""));
             ResultSet rs = ps.executeQuery()) {
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Object[] {rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getString(5), rs.getString(6)});
            }
            for (Object[] r : rows) {
                long importId = (Long) r[0];
                int line = (Integer) r[1];
                long userId = (Long) r[2];
                int points = (Integer) r[3];
                String code = (String) r[4];
                boolean alias = false;
                if (apply) {
                    if (points > 0) {
                        exec(c, "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (?, ?, 'legacy.merge', ?)",
                                userId, points, "legacy-merge:" + importId + ":" + line);
                    }
                    if (code != null) {
                        alias = exec(c, "INSERT INTO referral_codes (code, user_id, kind) VALUES (?, ?, 'alias') ON CONFLICT DO NOTHING",
                                code, userId) > 0;
                    }
                    exec(c, "UPDATE legacy_users SET status = 'imported', user_id = ?, reason = NULL WHERE import_id = ? AND line_no = ?",
                            userId, importId, line);
                }
                n++;
                if (changes.size() < MAX_LISTED) {
                    changes.add(new PlannedChange("legacy-row", importId + ":" + line, json.createObjectNode().put("status", "held"),
                            json.createObjectNode().put("userId", userId).put("pointsAdded", points),
                            "legacy row " + line + " of import " + importId + " (" + r[5] + ")" + (apply ? " folded" : " would be folded")
                                    + " into user " + userId + ": +" + points + " points"
                                    + (code == null ? "" : apply ? (alias ? ", code " + code + " kept as an alias" : ", code " + code + " was taken")
                                    : ", code " + code + " kept as an alias if it was never issued")));
                }
            }
        }
        return n;
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
