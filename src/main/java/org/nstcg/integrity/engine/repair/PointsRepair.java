package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;

/** Sets each profile's points to the sum of its ledger, the record every point is explained by. */
final class PointsRepair extends SqlRepair {

    /** Profiles whose figures (row and stripes, V17) differ from their ledger. */
    private static final String BAD = "SELECT p.user_id, p.points, coalesce(l.total, 0) AS ledger FROM profile_totals p"
            + " LEFT JOIN (SELECT user_id, sum(delta) AS total FROM points_ledger GROUP BY user_id) l ON l.user_id = p.user_id"
            + " WHERE p.points <> coalesce(l.total, 0)";

    PointsRepair(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        super(jdbc, json, audit, cache);
    }

    @Override
    public String kind() {
        return "points";
    }

    @Override
    public String description() {
        return "Sets each profile's points to the sum of its points ledger (the ledger is the record; points follow it).";
    }

    @Override
    RepairPlan plan(Tx tx, boolean apply) {
        return setProfileFigure(tx, apply, BAD, "points", "ledger", row -> {
            long id = row.getLong(1);
            long before = row.getLong(2);
            long after = row.getLong(3);
            return new PlannedChange("profile", Long.toString(id), json.createObjectNode().put("points", before),
                    json.createObjectNode().put("points", after), "user " + id + ": points " + before + " → " + after + " (the sum of the ledger)");
        });
    }

    @Override
    List<String> staleKeys(RepairPlan applied) {
        return userKeys(applied, "leaderboard:referrers");
    }
}
