package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.IntegrityChecks;
import org.nstcg.integrity.engine.integrity.RunSummary;

/**
 * Duplicate alerts: what the latest finished integrity check run found about duplicates (active users sharing a
 * mailbox, users sharing a referral code or a code identity). Read from the stored history; nothing is run.
 */
public final class DuplicateAlerts {

    /** How many runs back to look for one that ran the duplicate checks (a run may cover only some checks). */
    private static final int RUNS_LOOKED_AT = 20;

    private DuplicateAlerts() {
    }

    /**
     * The duplicate findings of a run.
     *
     * @param runId     the run they come from; empty when no run has checked for duplicates yet
     * @param checkedAt when that run started
     * @param findings  its findings of {@code email-uniqueness} and {@code referral-code-uniqueness}
     */
    public record Report(Optional<Long> runId, Optional<Instant> checkedAt, List<Finding> findings) {
    }

    /**
     * The latest finished run that checked for duplicates, with at most {@code limit} findings per check, if {@code by}
     * may see duplicates (which is enough to read these findings of the check history).
     */
    public static Report latest(Actor by, IntegrityChecks checks, int limit) {
        Actor reader = Actor.onBehalf(by, Permission.VIEW_DUPLICATES);
        List<String> names = List.of(BuiltInChecks.EMAIL_UNIQUENESS, BuiltInChecks.REFERRAL_CODE_UNIQUENESS);
        for (RunSummary run : checks.history(reader, Optional.empty(), RUNS_LOOKED_AT)) {
            if (run.status().equals("running") || names.stream().noneMatch(run.checks()::containsKey)) {
                continue;
            }
            List<Finding> findings = new ArrayList<>();
            for (String name : names) {
                RunSummary.CheckFigures figures = run.checks().get(name);
                if (figures != null && figures.findings() > 0) {
                    findings.addAll(checks.findings(reader, run.id(), Optional.of(name), limit));
                }
            }
            return new Report(Optional.of(run.id()), Optional.of(run.startedAt()), findings);
        }
        return new Report(Optional.empty(), Optional.empty(), List.of());
    }
}
