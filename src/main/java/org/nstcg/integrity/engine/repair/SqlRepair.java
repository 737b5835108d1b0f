package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.store.ProfileCredits;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * A repair done in one PostgreSQL transaction. The same {@link #plan} code decides what changes for the preview
 * (run in a transaction that is rolled back) and for the apply (committed together with its audit entry), so a
 * preview is exactly what applying would do at that moment. Changed rows are locked when found.
 */
abstract class SqlRepair implements Repair {

    protected final DataSource dataSource;
    protected final ObjectMapper json;
    private final AuditTrail audit;
    private final CacheCoordinator cache;

    SqlRepair(DataSource dataSource, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        this.dataSource = dataSource;
        this.json = json;
        this.audit = audit;
        this.cache = cache;
    }

    /** Finds what is wrong and, when {@code apply}, fixes it in {@code c}; lists what changes. */
    abstract RepairPlan plan(Connection c, boolean apply) throws SQLException;

    /** Turns one row of a repair's query into the change it stands for. */
    @FunctionalInterface
    interface RowChange {
        PlannedChange map(java.sql.ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} (which finds, or finds and fixes, what is wrong) and lists a change per row, counting all. */
    RepairPlan collect(Connection c, String sql, boolean apply, RowChange change) throws SQLException {
        List<PlannedChange> changes = new java.util.ArrayList<>();
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql); java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                total++;
                if (changes.size() < MAX_LISTED) {
                    changes.add(change.map(rs));
                }
            }
        }
        return new RepairPlan(kind(), changes, total, apply);
    }

    /**
     * A repair that sets one profile figure ({@code points} or {@code referral_count}) to its true value: {@code bad}
     * selects {@code p.user_id}, the figure as readers see it (row + stripes, V17) and the true value as
     * {@code valueColumn}. Applying locks those rows, lists the plan, clears the figure in their stripes so the row
     * alone holds it, then sets the row.
     */
    RepairPlan setProfileFigure(Connection c, boolean apply, String bad, String column, String valueColumn, RowChange change)
            throws SQLException {
        String users = "SELECT user_id FROM (" + bad + ") b";
        if (apply) {
            ProfileCredits.lockRows(c, users);
        }
        RepairPlan plan = collect(c, bad + " ORDER BY p.user_id", apply, change);
        if (apply && plan.total() > 0) {
            ProfileCredits.clearStripes(c, column, users);
            try (PreparedStatement ps = c.prepareStatement("WITH bad AS (" + bad + ") UPDATE gamification_profiles g SET "
                    + column + " = bad." + valueColumn + " FROM bad WHERE g.user_id = bad.user_id")) {
                ps.executeUpdate();
            }
        }
        return plan;
    }

    /** Cache keys an applied plan made stale (a key ending in {@code *} is a pattern). */
    abstract List<String> staleKeys(RepairPlan applied);

    /** {@code user:<id>} of each listed change plus {@code also}; {@code user:*} when not every change is listed. */
    static List<String> userKeys(RepairPlan applied, String... also) {
        java.util.List<String> keys = new java.util.ArrayList<>(List.of(also));
        if (applied.total() > applied.changes().size()) {
            keys.add("user:*");
        } else {
            applied.changes().forEach(ch -> keys.add("user:" + ch.targetId()));
        }
        return keys;
    }

    @Override
    public RepairPlan preview(Actor by) {
        by.authorize(Permission.APPLY_REPAIRS);
        return run(false, null, null);
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        String actor = by.authorize(Permission.APPLY_REPAIRS);
        return run(true, actor, reason);
    }

    private RepairPlan run(boolean apply, String actor, String reason) {
        RepairPlan plan;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                plan = plan(c, apply);
                if (apply && !plan.nothingToDo()) {
                    audit.record(c, AuditEvent.of(actor, "repair." + kind()).target("repair", kind())
                            .states(null, summary(plan)).details(reason));
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (Throwable e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new EngineException("The " + kind() + " repair could not " + (apply ? "be applied" : "be previewed") + " ("
                    + ConnectionFailures.reason(e) + ")" + (apply ? "; nothing was changed." : "."), e);
        }
        if (apply && !plan.nothingToDo()) {
            List<String> stale = staleKeys(plan);
            cache.afterCommit(stale.stream().filter(k -> !k.endsWith("*")).toList());
            stale.stream().filter(k -> k.endsWith("*")).forEach(cache::invalidatePattern);
        }
        return plan;
    }

    private ObjectNode summary(RepairPlan plan) {
        ObjectNode n = json.createObjectNode().put("changes", plan.total());
        ArrayNode list = n.putArray("first");
        plan.changes().stream().limit(100).forEach(ch -> list.addObject().put("target", ch.targetType() + ":" + ch.targetId())
                .put("summary", ch.summary()));
        return n;
    }
}
