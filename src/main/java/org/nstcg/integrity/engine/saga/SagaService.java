package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.saga.SagaStore.Advance;
import org.nstcg.integrity.engine.saga.SagaStore.NewEvent;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.ControlCharacters;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.engine.support.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators and the faces do with sagas: browse the log, retry or resolve a saga that needs attention, and
 * recover sagas whose instance died. Recovery runs at start and then periodically, in every instance at once:
 * each expired saga is claimed by exactly one of them.
 */
public final class SagaService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SagaService.class);
    private static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(24));

    private final SagaStore store;
    private final SagaOrchestrator orchestrator;
    private final AlertSink alerts;
    private final Clock clock;
    private final ManualActionRecorder recorder;
    private final SagaBulkActions bulk;
    private EngineScheduler.Task recovery;
    private volatile boolean rollbackAlarmRaised;

    public SagaService(SagaStore store, SagaOrchestrator orchestrator, AlertSink alerts, Clock clock) {
        this(store, orchestrator, alerts, clock, ManualActionRecorder.NONE);
    }

    /** @param recorder records retries and resolutions (the audit trail) in the transaction that claims the saga */
    public SagaService(SagaStore store, SagaOrchestrator orchestrator, AlertSink alerts, Clock clock, ManualActionRecorder recorder) {
        this.recorder = recorder;
        this.store = store;
        this.orchestrator = orchestrator;
        this.alerts = alerts;
        this.clock = clock;
        this.bulk = new SagaBulkActions(this, store, orchestrator);
    }

    public SagaOrchestrator orchestrator() {
        return orchestrator;
    }

    /** Retry or resolve, with a preview, every saga needing attention that a filter matches (or a list of them). */
    public SagaBulkActions bulk() {
        return bulk;
    }

    /** Starts periodic recovery on {@code scheduler} (first pass at once, then every recovery interval after the last). */
    public synchronized void startRecovery(EngineScheduler scheduler) {
        if (recovery != null) {
            return;
        }
        recovery = scheduler.scheduleWithFixedDelay("saga-recovery", Duration.ZERO, orchestrator.settings().recoveryInterval(),
                this::recoveryTick);
    }

    private void recoveryTick() {
        try {
            recoverExpired();
            checkRollbackRate();
        } catch (RuntimeException e) {
            log.warn("Saga recovery pass failed, will try again: {}", e.getMessage());
        }
    }

    /**
     * Claims and finishes every unfinished saga whose owner's lease has expired.
     *
     * @return the sagas this instance finished (or handed to an operator)
     */
    public List<SagaOutcome> recoverExpired() {
        List<SagaOutcome> outcomes = new ArrayList<>();
        while (true) {
            List<UUID> claimed = store.claimExpired(orchestrator.owner(), orchestrator.settings().lease(),
                    orchestrator.settings().recoveryBatch());
            for (UUID id : claimed) {
                try {
                    outcomes.add(orchestrator.resume(id));
                } catch (RuntimeException e) {
                    log.error("Could not recover saga {}: {}", id, e.getMessage(), e);
                }
            }
            if (claimed.size() < orchestrator.settings().recoveryBatch()) {
                return outcomes;
            }
        }
    }

    /** Sagas by status, type and age, newest first, if {@code by} may view sagas. */
    public List<SagaRecord> list(Actor by, Optional<SagaStatus> status, Optional<String> type, Optional<Duration> since, int limit) {
        by.authorize(Permission.VIEW_SAGAS);
        return store.list(status, type, since.map(d -> clock.instant().minus(d)), limit);
    }

    /**
     * A page of the log for browsing, newest first: keyset-paged, so any page of millions of sagas is read through
     * an index in one round trip.
     *
     * @param size sagas per page, 1 to 1,000
     */
    public SagaPage page(Actor by, SagaQuery query, Optional<SagaPage.Cursor> after, int size) {
        by.authorize(Permission.VIEW_SAGAS);
        if (size < 1 || size > 1000) {
            throw new IllegalArgumentException("a page holds 1 to 1000 sagas, not " + size);
        }
        return store.page(query, after, size);
    }

    /** The saga types this instance can run (and so retry), sorted. */
    public List<String> types(Actor by) {
        by.authorize(Permission.VIEW_SAGAS);
        return orchestrator.types();
    }

    /**
     * One saga with its whole timeline (every step, compensation, error and manual action in order): two
     * primary-key reads on one connection.
     */
    public Optional<SagaRecord> show(Actor by, UUID id) {
        by.authorize(Permission.VIEW_SAGAS);
        return store.load(id);
    }

    /**
     * Runs a FAILED_NEEDS_ATTENTION saga again once its fault is fixed: its compensation, or its steps after the
     * pivot, whichever failed, if {@code by} may act on sagas. Recorded with who and why.
     */
    public SagaOutcome retry(UUID id, Actor by, String reason) {
        String actor = by.authorize(Permission.ACT_ON_SAGAS);
        requireReason(reason, "the reason");
        SagaRecord r = store.load(id).orElseThrow(() -> new EngineException("There is no saga " + id + "."));
        if (r.status() != SagaStatus.FAILED_NEEDS_ATTENTION) {
            throw new EngineException("Saga " + id + " is " + r.status() + "; only a saga that needs attention can be retried.");
        }
        if (!orchestrator.knows(r.type())) {
            // Claiming it would leave it COMPENSATING/RUNNING with nobody able to finish it.
            throw new EngineException("Saga " + id + " is of type " + r.type() + ", which this instance cannot run;"
                    + " retry it from the application that started it, or resolve it by hand.");
        }
        SagaStatus resumeAs = SagaOrchestrator.failedWhileCompensating(r) ? SagaStatus.COMPENSATING : SagaStatus.RUNNING;
        if (!claimForManualAction(id, SagaStatus.FAILED_NEEDS_ATTENTION, resumeAs, actor, reason.strip(), "retry", Optional.empty())) {
            throw new EngineException("Saga " + id + " changed meanwhile; look at it again.");
        }
        return orchestrator.resume(id);
    }

    /** Marks a FAILED_NEEDS_ATTENTION saga as handled by hand (RESOLVED) if {@code by} may act on sagas, recording who and why. */
    public void resolve(UUID id, Actor by, String note) {
        String actor = by.authorize(Permission.ACT_ON_SAGAS);
        requireReason(note, "the note");
        SagaRecord r = store.load(id).orElseThrow(() -> new EngineException("There is no saga " + id + "."));
        if (r.status() != SagaStatus.FAILED_NEEDS_ATTENTION
                || !claimForManualAction(id, SagaStatus.FAILED_NEEDS_ATTENTION, SagaStatus.RESOLVED, actor, note.strip(), "resolve",
                Optional.empty())) {
            throw new EngineException("Saga " + id + " is " + r.status() + "; only a saga that needs attention can be resolved.");
        }
    }

    /**
     * Takes a saga in {@code expected} status for a manual action, appending the action's event and recording it
     * ({@link ManualActionRecorder}) in the same transaction, as part of {@code bulk} when given; false when the saga was
     * not in {@code expected} status.
     */
    boolean claimForManualAction(UUID id, SagaStatus expected, SagaStatus newStatus, String actor, String reason,
                                 String action, Optional<UUID> bulk) {
        String owner = orchestrator.owner();
        Duration lease = orchestrator.settings().lease();
        return store.jdbc().inTransaction(SagaStore.MANUAL_ACTION, tx -> {
            Optional<Integer> claimed = store.claimForManualAction(tx, id, owner, lease, expected, newStatus);
            if (claimed.isEmpty()) {
                return false; // nothing was changed: the transaction commits empty
            }
            int step = claimed.get();
            ObjectNode payload = store.json().createObjectNode().put("action", action);
            bulk.ifPresent(b -> payload.put("bulk", b.toString()));
            store.advance(tx, new Advance(id, owner, newStatus, step, newStatus, step, lease,
                    List.of(new NewEvent(SagaEvent.Type.MANUAL_ACTION, null, payload, null, actor, reason)), false, null),
                    Optional.empty());
            recorder.record(tx, id, action, actor, reason, expected, newStatus, bulk);
            return true;
        });
    }

    static void requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw new EngineException("A manual action on a saga needs a reason: say what was done and why.");
        }
        ControlCharacters.refusal(what, reason, true).ifPresent(why -> {
            throw new EngineException(Character.toUpperCase(why.charAt(0)) + why.substring(1) + ".");
        });
        Reasons.check(reason);
    }

    /** Rollback rates, duration percentiles per type, and counts that need an operator. */
    /** {@link #metrics()} for a face, if {@code by} may view sagas. */
    public SagaMetrics metrics(Actor by) {
        by.authorize(Permission.VIEW_SAGAS);
        return metrics();
    }

    /** Rollback rates and step latencies over the recent windows: the engine's own figure source (checks, alerts). */
    public SagaMetrics metrics() {
        return store.jdbc().read(SagaStore.READ, tx -> {
            List<SagaMetrics.RollbackRate> rates = new ArrayList<>();
            for (Duration w : WINDOWS) {
                rates.add(store.rollbackRate(tx, w));
            }
            Map<String, SagaMetrics.Durations> durations = store.completedDurations(tx);
            SagaStore.Backlog backlog = store.backlog(tx);
            return new SagaMetrics(rates, durations, backlog.needsAttention(), backlog.stuck());
        });
    }

    /** Raises an alert when the 5-minute rollback rate crosses 1% (once per crossing). */
    void checkRollbackRate() {
        SagaMetrics.RollbackRate recent = metrics().rollbackRates().get(0);
        if (recent.alarming() && !rollbackAlarmRaised) {
            rollbackAlarmRaised = true;
            alerts.raise(new Alert("warning", "saga.rollback-rate", "sagas", String.format(java.util.Locale.ROOT,
                    "%.1f%% of the %d sagas finished in the last 5 minutes were rolled back (threshold 1%%). Look at 'sagas list"
                            + " --status COMPENSATED --since 5m' for their errors.", recent.rate() * 100, recent.finished()),
                    clock.instant()));
        } else if (!recent.alarming()) {
            rollbackAlarmRaised = false;
        }
    }

    /** Stops periodic recovery, then writes the completions still queued ({@link SagaOrchestrator#close()}). */
    @Override
    public synchronized void close() {
        if (recovery != null) {
            recovery.cancel();
        }
        orchestrator.close();
    }
}
