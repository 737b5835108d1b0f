package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.LegacyImportStore;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.Reasons;

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
            + " FROM " + LegacyImportStore.HELD_FOR_A_TAKEN_MAILBOX;

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final AuditTrail audit;
    private final CacheCoordinator cache;
    private final Merger merger;

    DuplicateEmailRepair(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache, Merger merger) {
        this.jdbc = jdbc;
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

    private static List<Pair> activeDuplicates(Tx tx) {
        return tx.list("SELECT id, survivor, email_normalized FROM (" + ACTIVE_DUPLICATES
                + ") t WHERE id <> survivor ORDER BY survivor, id", row -> new Pair(row.getLong(1), row.getLong(2), row.getString(3)));
    }

    @Override
    public RepairPlan preview(Actor by) {
        Actor previewing = Actor.onBehalf(by, Permission.PREVIEW_REPAIRS);
        return jdbc.read("look for duplicate emails", tx -> {
            List<PlannedChange> changes = new ArrayList<>();
            long total = 0;
            for (Pair p : activeDuplicates(tx)) {
                total++;
                if (changes.size() < MAX_LISTED) {
                    changes.add(new PlannedChange("user", Long.toString(p.duplicate()), null, json.createObjectNode().put("mergedInto", p.survivor()),
                            "user " + p.duplicate() + " (" + p.mailbox() + ") would be merged into user " + p.survivor() + ": "
                                    + merger.preview(p.survivor(), p.duplicate(), previewing)));
                }
            }
            total += held(tx, false, changes);
            return new RepairPlan(kind(), changes, total, false);
        });
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        Actor.OnBehalf merging = Actor.onBehalf(by, Permission.APPLY_REPAIRS);
        String actor = merging.name();
        Repair.checkReason(reason);
        List<PlannedChange> changes = new ArrayList<>();
        long total = 0;
        List<String> stale = new ArrayList<>(List.of("leaderboard:referrers"));
        List<Pair> pairs;
        try {
            pairs = jdbc.read("look for duplicate emails", DuplicateEmailRepair::activeDuplicates);
        } catch (StoreException e) {
            throw unfinished(e);
        }
        for (Pair p : pairs) {
            total++;
            String outcome = merger.merge(p.survivor(), p.duplicate(), merging, reason);
            if (changes.size() < MAX_LISTED) {
                changes.add(new PlannedChange("user", Long.toString(p.duplicate()), null, json.createObjectNode().put("mergedInto", p.survivor()),
                        "user " + p.duplicate() + " (" + p.mailbox() + ") merged into user " + p.survivor() + ": " + outcome));
            }
        }
        // The merges ran through the merge saga on its own connections; the fold is one transaction of its own.
        List<PlannedChange> folded = new ArrayList<>();
        long n;
        try {
            n = jdbc.inTransaction("fold held legacy rows", tx -> {
                long rows = held(tx, true, folded);
                if (rows > 0) {
                    audit.record(tx, AuditEvent.of(actor, "repair." + kind()).target("repair", kind())
                            .states(null, json.createObjectNode().put("legacyRowsFolded", rows)).details(reason));
                }
                return rows;
            });
        } catch (StoreException e) {
            throw unfinished(e);
        }
        total += n;
        folded.forEach(ch -> stale.add("user:" + ch.after().path("userId").asLong()));
        folded.stream().limit(Math.max(0, MAX_LISTED - changes.size())).forEach(changes::add);
        cache.afterCommit(stale);
        return new RepairPlan(kind(), changes, total, true);
    }

    private static EngineException unfinished(StoreException e) {
        return new EngineException("The duplicate-emails repair could not finish (" + e.reason()
                + "); merges already made stay, held legacy rows were not changed.", e);
    }

    /** Lists (and when {@code apply}, folds) held legacy rows whose mailbox is a user's; returns how many. */
    private long held(Tx tx, boolean apply, List<PlannedChange> changes) {
        long n = 0;
        List<HeldRow> rows = tx.list(HELD_ROWS + " ORDER BY l.import_id, l.line_no" + (apply ? " FOR UPDATE OF l" : ""),
                row -> new HeldRow(row.getLong(1), row.getInt(2), row.getLong(3), row.getInt(4), row.getString(5), row.getString(6)));
        for (HeldRow r : rows) {
            long importId = r.importId();
            int line = r.line();
            long userId = r.userId();
            int points = r.points();
            String code = r.code();
            boolean alias = false;
            if (apply) {
                if (points > 0) {
                    tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (?, ?, 'legacy.merge', ?)",
                            userId, points, "legacy-merge:" + importId + ":" + line);
                }
                if (code != null) {
                    alias = tx.update("INSERT INTO referral_codes (code, user_id, kind) VALUES (?, ?, 'alias') ON CONFLICT DO NOTHING",
                            code, userId) > 0;
                }
                tx.update("UPDATE legacy_users SET status = 'imported', user_id = ?, reason = NULL WHERE import_id = ? AND line_no = ?",
                        userId, importId, line);
            }
            n++;
            if (changes.size() < MAX_LISTED) {
                changes.add(new PlannedChange("legacy-row", importId + ":" + line, json.createObjectNode().put("status", "held"),
                        json.createObjectNode().put("userId", userId).put("pointsAdded", points),
                        "legacy row " + line + " of import " + importId + " (" + r.mailbox() + ")" + (apply ? " folded" : " would be folded")
                                + " into user " + userId + ": +" + points + " points"
                                + (code == null ? "" : apply ? (alias ? ", code " + code + " kept as an alias" : ", code " + code + " was taken")
                                : ", code " + code + " kept as an alias if it was never issued")));
            }
        }
        return n;
    }

    /** A held legacy row: where it is, the user it is folded into, its points and code, its mailbox. */
    private record HeldRow(long importId, int line, long userId, int points, String code, String mailbox) {
    }
}
