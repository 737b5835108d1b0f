package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.ProfileCredits;
import org.nstcg.integrity.engine.store.Tx;

/**
 * Sets each active user's referral count to the number of users whose {@code referred_by} is that user, as
 * {@code referral-count} judges it: the counts of merged and archived users are frozen by design, and a user whose
 * registration saga has not recorded its completion yet counts like any other (its row and its referrer's count
 * committed together, decision record 0007).
 */
final class ReferralCountRepair extends SqlRepair {

    /** Active users' profiles whose referral count (row and stripes, V17) differs from the users they referred. */
    private static final String BAD = "SELECT user_id, referral_count, referred AS actual FROM ("
            + ProfileCredits.REFERRAL_COUNT_MISMATCHES + ") p"; // "p": setProfileFigure orders by p.user_id

    ReferralCountRepair(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        super(jdbc, json, audit, cache);
    }

    @Override
    public String kind() {
        return "referral-count";
    }

    @Override
    public String description() {
        return "Sets each profile's referral count to the number of users it referred (users.referred_by).";
    }

    @Override
    RepairPlan plan(Tx tx, boolean apply) {
        return setProfileFigure(tx, apply, BAD, "referral_count", "actual", row -> {
            long id = row.getLong(1);
            return new PlannedChange("profile", Long.toString(id), json.createObjectNode().put("referralCount", row.getLong(2)),
                    json.createObjectNode().put("referralCount", row.getLong(3)), "user " + id + ": referral count " + row.getLong(2) + " → " + row.getLong(3));
        });
    }

    @Override
    List<String> staleKeys(RepairPlan applied) {
        return userKeys(applied, "leaderboard:referrers");
    }
}
