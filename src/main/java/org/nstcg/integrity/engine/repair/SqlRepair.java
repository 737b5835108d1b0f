package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.ProfileCredits;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.Reasons;

/**
 * A repair done in one PostgreSQL transaction. The same {@link #plan} code decides what changes for the preview
 * (run in a transaction that is rolled back) and for the apply (committed together with its audit entry), so a
 * preview is exactly what applying would do at that moment. Changed rows are locked when found.
 */
abstract class SqlRepair implements Repair {

    protected final Jdbc jdbc;
    protected final ObjectMapper json;
    private final AuditTrail audit;
    private final CacheCoordinator cache;

    SqlRepair(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.cache = cache;
    }

    /** Finds what is wrong and, when {@code apply}, fixes it in {@code tx}; lists what changes. */
    abstract RepairPlan plan(Tx tx, boolean apply);

    /** Turns one row of a repair's query into the change it stands for. */
    @FunctionalInterface
    interface RowChange {
        PlannedChange map(Row row);
    }

    /** Runs {@code sql} (which finds, or finds and fixes, what is wrong) and lists a change per row, counting all. */
    RepairPlan collect(Tx tx, String sql, boolean apply, RowChange change) {
        List<PlannedChange> changes = new java.util.ArrayList<>();
        long[] total = {0};
        // Fetch size 0: every row at once, as the driver does by default (rows past MAX_LISTED are only counted).
        tx.each(sql, 0, row -> {
            total[0]++;
            if (changes.size() < MAX_LISTED) {
                changes.add(change.map(row));
            }
        });
        return new RepairPlan(kind(), changes, total[0], apply);
    }

    /**
     * A repair that sets one profile figure ({@code points} or {@code referral_count}) to its true value: {@code bad}
     * selects {@code p.user_id}, the figure as readers see it (row + stripes, V17) and the true value as
     * {@code valueColumn}. Applying locks those rows, lists the plan, clears the figure in their stripes so the row
     * alone holds it, then sets the row.
     */
    RepairPlan setProfileFigure(Tx tx, boolean apply, String bad, String column, String valueColumn, RowChange change) {
        String users = "SELECT user_id FROM (" + bad + ") b";
        if (apply) {
            ProfileCredits.lockRows(tx, users);
        }
        RepairPlan plan = collect(tx, bad + " ORDER BY p.user_id", apply, change);
        if (apply && plan.total() > 0) {
            ProfileCredits.clearStripes(tx, column, users);
            tx.update("WITH bad AS (" + bad + ") UPDATE gamification_profiles g SET "
                    + column + " = bad." + valueColumn + " FROM bad WHERE g.user_id = bad.user_id");
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
        by.authorize(Permission.PREVIEW_REPAIRS);
        return run(false, null, null);
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        String actor = by.authorize(Permission.APPLY_REPAIRS);
        return run(true, actor, Repair.checkReason(reason));
    }

    private RepairPlan run(boolean apply, String actor, String reason) {
        RepairPlan plan;
        try {
            plan = jdbc.inTransaction((apply ? "apply" : "preview") + " the " + kind() + " repair", tx -> {
                RepairPlan p = plan(tx, apply);
                if (!apply || p.nothingToDo()) {
                    throw new RolledBack(p);
                }
                audit.record(tx, AuditEvent.of(actor, "repair." + kind()).target("repair", kind())
                        .states(null, summary(p)).details(reason));
                return p;
            });
        } catch (RolledBack dryRun) {
            plan = dryRun.plan;
        } catch (StoreException e) {
            throw new EngineException("The " + kind() + " repair could not " + (apply ? "be applied" : "be previewed") + " ("
                    + e.reason() + ")" + (apply ? "; nothing was changed." : "."), e);
        }
        if (apply && !plan.nothingToDo()) {
            List<String> stale = staleKeys(plan);
            cache.afterCommit(stale.stream().filter(k -> !k.endsWith("*")).toList());
            stale.stream().filter(k -> k.endsWith("*")).forEach(cache::invalidatePattern);
        }
        return plan;
    }

    /** Ends a preview's (or an empty apply's) transaction by rolling it back, carrying out what it found. */
    private static final class RolledBack extends RuntimeException {
        private final transient RepairPlan plan;

        RolledBack(RepairPlan plan) {
            super(null, null, false, false);
            this.plan = plan;
        }
    }

    private ObjectNode summary(RepairPlan plan) {
        ObjectNode n = json.createObjectNode().put("changes", plan.total());
        ArrayNode list = n.putArray("first");
        plan.changes().stream().limit(100).forEach(ch -> list.addObject().put("target", ch.targetType() + ":" + ch.targetId())
                .put("summary", ch.summary()));
        return n;
    }
}
