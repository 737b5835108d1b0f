package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;

/**
 * Recreates the gamification profile of users who have none: points from their ledger (or 0), referral count
 * from the users they referred. A user whose registration saga is still running (or undoing itself) is left to it,
 * as {@code orphans} leaves it out: the saga writes the profile next, and a profile written here first would fail it.
 */
final class MissingProfileRepair extends SqlRepair {

    private static final String MISSING = "SELECT u.id, coalesce((SELECT sum(delta) FROM points_ledger l WHERE l.user_id = u.id), 0),"
            + " (SELECT count(*) FROM users r WHERE r.referred_by = u.id) FROM users u"
            + " WHERE NOT EXISTS (SELECT 1 FROM gamification_profiles p WHERE p.user_id = u.id)"
            + " AND NOT EXISTS (SELECT 1 FROM sagas s WHERE s.id = u.created_by_saga AND s.status IN ('RUNNING', 'COMPENSATING'))";

    MissingProfileRepair(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        super(jdbc, json, audit, cache);
    }

    @Override
    public String kind() {
        return "missing-profile";
    }

    @Override
    public String description() {
        return "Recreates the missing gamification profile of a user: points from the ledger, referral count from the users referred.";
    }

    @Override
    RepairPlan plan(Tx tx, boolean apply) {
        String sql = apply
                ? "WITH m AS (" + MISSING + " ORDER BY u.id FOR UPDATE OF u) INSERT INTO gamification_profiles (user_id, points, referral_count)"
                        + " SELECT * FROM m ON CONFLICT (user_id) DO NOTHING RETURNING user_id, points, referral_count"
                : MISSING + " ORDER BY u.id";
        return collect(tx, sql, apply, row -> {
            long id = row.getLong(1);
            return new PlannedChange("profile", Long.toString(id), null,
                    json.createObjectNode().put("points", row.getLong(2)).put("referralCount", row.getLong(3)),
                    "user " + id + ": profile created with " + row.getLong(2) + " points and " + row.getLong(3) + " referrals");
        });
    }

    @Override
    List<String> staleKeys(RepairPlan applied) {
        return userKeys(applied, "leaderboard:referrers");
    }
}
