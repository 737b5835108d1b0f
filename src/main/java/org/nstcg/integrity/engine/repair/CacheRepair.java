package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.Reasons;

/**
 * Rebuilds the whole cache from PostgreSQL (safe while writes continue), after which divergence is sampled again.
 * It is offered when a sampling round finds divergent entries, as {@code cache-consistency} does.
 */
final class CacheRepair implements Repair {

    private final CacheRebuilder rebuilder;
    private final DivergenceSampler sampler;
    private final CacheRows rows;
    private final AuditTrail audit;
    private final ObjectMapper json;

    CacheRepair(CacheRebuilder rebuilder, DivergenceSampler sampler, CacheRows rows, AuditTrail audit, ObjectMapper json) {
        this.rebuilder = rebuilder;
        this.sampler = sampler;
        this.rows = rows;
        this.audit = audit;
        this.json = json;
    }

    @Override
    public String kind() {
        return "cache";
    }

    @Override
    public String description() {
        return "Rebuilds every cached pattern from PostgreSQL (versions keep it safe while writes continue).";
    }

    @Override
    public RepairPlan preview(Actor by) {
        by.authorize(Permission.PREVIEW_REPAIRS);
        DivergenceReport now = sampler.sampleNow();
        // Work only for what cache-consistency reports (the same round): an error when Redis is down, nothing when no
        // sampled entry diverges. Rebuilding a sound cache is the cache screen's (and 'cache rebuild'), not a repair.
        if (now.state() == DivergenceReport.State.REDIS_DOWN) {
            throw new EngineException("Redis did not answer, so the cache could not be compared with PostgreSQL, nor rebuilt;"
                    + " preview the cache repair again once Redis is back.");
        }
        if (now.patterns().stream().allMatch(s -> s.divergent() == 0)) {
            return new RepairPlan(kind(), List.of(), 0, false);
        }
        List<PlannedChange> changes = new ArrayList<>();
        try {
            long users = rows.userRows();
            long codes = rows.referralRows();
            for (String pattern : CacheKeys.PATTERNS) {
                DivergenceSample s = now.pattern(pattern).orElse(null);
                long entries = switch (pattern) {
                    case CacheKeys.USER_PATTERN -> users;
                    case CacheKeys.REFERRAL_PATTERN -> codes;
                    default -> 1;
                };
                changes.add(new PlannedChange("cache", pattern, s == null ? null : json.createObjectNode().put("sampled", s.sampled())
                        .put("divergent", s.divergent()), json.createObjectNode().put("entries", entries),
                        pattern + ": " + entries + " entr" + (entries == 1 ? "y" : "ies") + " would be written from PostgreSQL"
                                + (s == null ? "" : " (now " + s.divergent() + " of " + s.sampled() + " sampled entries diverge)")));
            }
        } catch (StoreException e) {
            throw new EngineException("Cannot count the rows to rebuild (" + e.reason() + ").", e);
        }
        return new RepairPlan(kind(), changes, changes.size(), false);
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        String actor = by.authorize(Permission.APPLY_REPAIRS);
        Repair.checkReason(reason);
        CacheRebuilder.Result r = rebuilder.rebuild("*", ProgressListener.NONE, () -> false);
        List<PlannedChange> changes = List.of(new PlannedChange("cache", "*", null,
                json.createObjectNode().put("written", r.written()).put("refused", r.refused()),
                "rebuilt every pattern: " + r.written() + " entries written, " + r.refused() + " refused because a write came first"));
        audit.record(AuditEvent.of(actor, "repair." + kind()).target("cache", "*")
                .states(null, json.createObjectNode().put("written", r.written()).put("refused", r.refused())).details(reason));
        return new RepairPlan(kind(), changes, 1, true);
    }
}
