package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.Reasons;

/**
 * Finishes stuck sagas: those whose owner's lease expired are recovered now (forward after their pivot, otherwise
 * compensated), those that need attention are retried. A saga whose retry fails again stays for an operator.
 * Stuck means what {@code stuck-sagas} means: a lease that expired more than {@code stuckAfter} ago (one that has
 * just expired is recovery's to take over), or FAILED_NEEDS_ATTENTION.
 */
final class StuckSagaRepair implements Repair {

    private static final int LIMIT = 10_000;

    private final SagaService sagas;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration stuckAfter;

    StuckSagaRepair(SagaService sagas, AuditTrail audit, ObjectMapper json, Clock clock, Duration stuckAfter) {
        this.sagas = sagas;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
    }

    @Override
    public String kind() {
        return "sagas";
    }

    @Override
    public String description() {
        return "Finishes stuck sagas: recovers those whose instance stopped (lease expired) and retries those that need attention.";
    }

    private List<SagaRecord> stuck(Actor reader) {
        List<SagaRecord> out = new ArrayList<>();
        Instant stuckBefore = clock.instant().minus(stuckAfter);
        for (SagaStatus s : List.of(SagaStatus.RUNNING, SagaStatus.COMPENSATING)) {
            sagas.list(reader, Optional.of(s), Optional.empty(), Optional.empty(), LIMIT).stream()
                    .filter(r -> r.leaseExpiresAt().map(l -> l.isBefore(stuckBefore)).orElse(false)).forEach(out::add);
        }
        out.addAll(sagas.list(reader, Optional.of(SagaStatus.FAILED_NEEDS_ATTENTION), Optional.empty(), Optional.empty(), LIMIT));
        return out;
    }

    private PlannedChange planned(SagaRecord r, String outcome) {
        return new PlannedChange("saga", r.id().toString(), json.createObjectNode().put("status", r.status().name())
                .put("step", r.currentStep()), json.createObjectNode().put("outcome", outcome),
                r.type() + " saga " + r.id() + " (" + r.businessKey() + "), " + r.status() + " at step " + r.currentStep() + ": " + outcome);
    }

    @Override
    public RepairPlan preview(Actor by) {
        List<PlannedChange> changes = new ArrayList<>();
        for (SagaRecord r : stuck(Actor.onBehalf(by, Permission.PREVIEW_REPAIRS))) {
            changes.add(planned(r, r.status() == SagaStatus.FAILED_NEEDS_ATTENTION ? "would be retried"
                    : "would be recovered (forward after its pivot, otherwise compensated)"));
        }
        return new RepairPlan(kind(), changes.stream().limit(MAX_LISTED).toList(), changes.size(), false);
    }

    @Override
    public RepairPlan apply(Actor by, String reason) {
        // Retried for the repairer, who may apply repairs: checked once, so no refusal half-way through.
        Actor.OnBehalf retrying = Actor.onBehalf(by, Permission.APPLY_REPAIRS);
        String actor = retrying.name();
        Repair.checkReason(reason);
        List<SagaRecord> stuck = stuck(retrying);
        List<PlannedChange> changes = new ArrayList<>();
        for (SagaOutcome o : sagas.recoverExpired()) { // "Cannot recover stuck sagas in PostgreSQL (…)." when it cannot
            changes.add(new PlannedChange("saga", o.sagaId().toString(), null, json.createObjectNode().put("outcome", describe(o)),
                    "saga " + o.sagaId() + " recovered: " + describe(o)));
        }
        for (SagaRecord r : stuck) {
            if (r.status() == SagaStatus.FAILED_NEEDS_ATTENTION) {
                String outcome;
                try {
                    outcome = describe(sagas.retry(r.id(), retrying, reason));
                } catch (EngineException e) {
                    outcome = "not retried: " + e.getMessage();
                }
                changes.add(planned(r, outcome));
            }
        }
        if (!changes.isEmpty()) {
            audit.record(AuditEvent.of(actor, "repair." + kind()).target("repair", kind())
                    .states(null, json.createObjectNode().put("changes", changes.size())).details(reason));
        }
        return new RepairPlan(kind(), changes.stream().limit(MAX_LISTED).toList(), changes.size(), true);
    }

    private static String describe(SagaOutcome o) {
        return o.match(
                done -> "completed",
                undone -> "compensated",
                n -> "still needs attention: " + n.message(),
                taken -> "taken over by another instance");
    }
}
