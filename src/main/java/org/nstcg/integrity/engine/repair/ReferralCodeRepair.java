package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.LegacyImportStore;
import org.nstcg.integrity.engine.store.Tx;

/**
 * Regenerates conflicting referral codes: where several users carry one code, the user the code registry names
 * (or else the earliest) keeps it and every other one gets a newly issued code. A code a user owned in the registry
 * stays theirs as an alias; a code that belonged to someone else stays with its owner. Each change writes an outbox
 * event {@code referral.code_changed} so the user can be told their new code.
 */
final class ReferralCodeRepair extends SqlRepair {

    private static final String CONFLICTS = "SELECT u.id, u.referral_code, u.first_name, (r.user_id = u.id) AS registered,"
            + " row_number() OVER (PARTITION BY u.referral_code ORDER BY (r.user_id = u.id) DESC NULLS LAST, u.created_at, u.id) AS rank"
            + " FROM users u LEFT JOIN referral_codes r ON r.code = u.referral_code"
            + " WHERE u.referral_code IN (SELECT referral_code FROM users GROUP BY referral_code HAVING count(*) > 1)";

    /** Issues a new code for a user: (user id or null, first name) → code text. */
    private final BiFunction<Long, String, String> issue;
    private final LegacyImportStore legacy;

    ReferralCodeRepair(Jdbc jdbc, LegacyImportStore legacy, ObjectMapper json, AuditTrail audit, CacheCoordinator cache,
                       BiFunction<Long, String, String> issue) {
        super(jdbc, json, audit, cache);
        this.issue = issue;
        this.legacy = legacy;
    }

    @Override
    public String kind() {
        return "referral-codes";
    }

    @Override
    public String description() {
        return "Gives a newly issued referral code to every user who shares a code with another; the registered owner keeps it,"
                + " and an outbox event tells each changed user their new code.";
    }

    /** A user who shares a code and loses it: its id, the shared code, its first name (for the new code). */
    private record Loser(long id, String code, String firstName) {
    }

    @Override
    RepairPlan plan(Tx tx, boolean apply) {
        List<Loser> losers = tx.list("SELECT id, referral_code, first_name, registered FROM (" + CONFLICTS
                + ") t WHERE rank > 1 ORDER BY id", row -> new Loser(row.getLong(1), row.getString(2), row.getString(3)));
        if (apply && !losers.isEmpty()) {
            tx.list("SELECT id FROM users WHERE id = ANY (?) FOR UPDATE", row -> row.getLong(1),
                    Tx.bigints(losers.stream().map(Loser::id).toList()));
        }
        List<PlannedChange> changes = new ArrayList<>();
        for (Loser loser : losers) {
            long id = loser.id();
            String old = loser.code();
            String next = apply ? issue.apply(id, loser.firstName()) : "(a newly issued code)";
            if (apply) {
                tx.update("UPDATE users SET referral_code = ? WHERE id = ?", next, id);
                // Codes registered to this user before (its own earlier primary) stay theirs, as aliases: one primary each.
                tx.update("UPDATE referral_codes SET kind = 'alias' WHERE user_id = ?"
                        + " AND kind = 'primary' AND code <> ?", id, next);
                tx.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload,"
                        + " dedup_key) VALUES ('user', ?, 'referral.code_changed', ?::jsonb, ?)", Long.toString(id),
                        json.createObjectNode().put("userId", id).put("oldCode", old).put("newCode", next)
                                .put("reason", "the old code was shared with another user"),
                        "referral.code_changed:" + id + ":" + next);
            }
            if (changes.size() < MAX_LISTED) {
                changes.add(new PlannedChange("user", Long.toString(id), json.createObjectNode().put("referralCode", old),
                        json.createObjectNode().put("referralCode", next),
                        "user " + id + ": referral code " + old + " (shared) → " + next + "; the user is notified"));
            }
        }
        long heldPromoted = promoteHeldLegacyRows(tx, apply, changes);
        return new RepairPlan(kind(), changes, losers.size() + heldPromoted, apply);
    }

    /**
     * Legacy rows an import held because their code was already issued (their mailbox being free): each is imported
     * with a newly issued code, and an outbox event tells the user the code they knew changed.
     */
    private long promoteHeldLegacyRows(Tx tx, boolean apply, List<PlannedChange> changes) {
        long n = 0;
        for (LegacyImportStore.HeldForCode h : legacy.heldForCode(tx, apply)) {
            String next = apply ? issue.apply(null, h.firstName()) : "(a newly issued code)";
            Long userId = null;
            if (apply) {
                Optional<Long> id = legacy.promoteWithNewCode(tx, h.importId(), h.line(), next);
                if (id.isEmpty()) {
                    continue; // its mailbox was taken meanwhile: it stays held, for the duplicate-emails repair
                }
                userId = id.get();
                tx.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload,"
                        + " dedup_key) VALUES ('user', ?, 'referral.code_changed', ?::jsonb, ?)", Long.toString(userId),
                        json.createObjectNode().put("userId", userId).put("oldCode", h.legacyCode()).put("newCode", next)
                                .put("reason", "the legacy code was already issued to another user"),
                        "referral.code_changed:" + userId + ":" + next);
            }
            n++;
            if (changes.size() < MAX_LISTED) {
                changes.add(new PlannedChange("legacy-row", h.importId() + ":" + h.line(), json.createObjectNode().put("referralCode", h.legacyCode()),
                        json.createObjectNode().put("referralCode", next).put("userId", userId == null ? 0 : userId),
                        "legacy row " + h.line() + " of import " + h.importId() + " (" + h.mailbox() + ")" + (apply ? " imported as user "
                                + userId : " would be imported") + " with " + next + " instead of the taken code " + h.legacyCode()
                                + "; the user is notified"));
            }
        }
        return n;
    }

    @Override
    List<String> staleKeys(RepairPlan applied) {
        List<String> keys = new ArrayList<>(List.of("leaderboard:referrers", "count:users"));
        for (PlannedChange ch : applied.changes()) {
            keys.add("referral:" + ch.before().path("referralCode").asText());
            keys.add("user:" + (ch.targetType().equals("user") ? ch.targetId() : ch.after().path("userId").asText()));
        }
        if (applied.total() > applied.changes().size()) {
            keys.add("user:*");
        }
        return keys;
    }
}
