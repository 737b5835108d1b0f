package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;

/** Sets each profile's points to the sum of its ledger, the record every point is explained by. */
final class PointsRepair extends SqlRepair {

    /** Profiles whose figures (row and stripes, V17) differ from their ledger. */
    private static final String BAD = "SELECT p.user_id, p.points, coalesce(l.total, 0) AS ledger FROM profile_totals p"
            + " LEFT JOIN (SELECT user_id, sum(delta) AS total FROM points_ledger GROUP BY user_id) l ON l.user_id = p.user_id"
            + " WHERE p.points <> coalesce(l.total, 0)";

    PointsRepair(DataSource dataSource, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        super(dataSource, json, audit, cache);
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
    RepairPlan plan(Connection c, boolean apply) throws SQLException {
        return setProfileFigure(c, apply, BAD, "points", "ledger", rs -> {
            long id = rs.getLong(1);
            long before = rs.getLong(2);
            long after = rs.getLong(3);
            return new PlannedChange("profile", Long.toString(id), json.createObjectNode().put("points", before),
                    json.createObjectNode().put("points", after), "user " + id + ": points " + before + " → " + after + " (the sum of the ledger)");
        });
    }

    @Override
    List<String> staleKeys(RepairPlan applied) {
        return userKeys(applied, "leaderboard:referrers");
    }
}
