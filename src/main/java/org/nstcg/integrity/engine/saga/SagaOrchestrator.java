package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.nstcg.integrity.engine.saga.SagaStore.Advance;
import org.nstcg.integrity.engine.saga.SagaStore.Creation;
import org.nstcg.integrity.engine.saga.SagaStore.NewEvent;
import org.nstcg.integrity.engine.store.StepStatement;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas so that each ends COMPLETED or COMPENSATED, never half-done, whatever crashes on the way.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>A local step and its event commit together.</b> The step's work, its STEP_COMPLETED event and the saga's
 *   move to the next step are one transaction, and the move is fenced ({@code saga_advance}: owner, live lease,
 *   expected status and step), so a step applies exactly once and only by the saga's owner. A remote step's
 *   completion is recorded with the next database write; if the process dies before that, recovery treats the
 *   step as possibly done and compensates it (remote compensations are idempotent).</li>
 *   <li><b>The saga row is written lazily</b>, with the first local step: until then nothing durable exists but
 *   remote effects that expire by themselves (a Redis reservation). A first step that refuses at once
 *   ({@link SagaRejection}) leaves no log at all: nothing was done and nothing was rolled back.</li>
 *   <li><b>Commit cost.</b> Steps before the pivot commit with {@code synchronous_commit = off}; the pivot commits
 *   synchronously, which flushes the WAL of every earlier step too. A database crash can only lose a suffix of
 *   a saga's transactions, effects together with their events, which recovery handles like a crash of ours.</li>
 *   <li><b>Compensation</b> runs in reverse order in transactions marked with the saga's id
 *   ({@code integrity.compensating_saga}), which lets the database remove exactly that saga's rows and nothing
 *   else. A failing compensation is retried with exponential backoff; after the last attempt the saga becomes
 *   FAILED_NEEDS_ATTENTION and an alert is raised.</li>
 *   <li><b>Typed results.</b> A step returns a record ({@link StepKey#type()}); it is written to the log as JSON
 *   (Jackson; a SQL step's jsonb as the statement built it) and handed to later steps, compensations and the caller
 *   as the record, read back from the log when the saga is resumed, so a recovered saga sees what a live one saw.</li>
 * </ul>
 */
public final class SagaOrchestrator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SagaOrchestrator.class);
    /** Prefix of {@code last_error} for sagas undone because a step refused for a business reason. */
    public static final String REJECTED_PREFIX = "rejected: ";
    /** Completes "Cannot … in PostgreSQL" for a step's transaction. */
    private static final String STEP = "run a saga step";
    /** Completes "Cannot … in PostgreSQL" for a compensation's transaction. */
    private static final String COMPENSATION = "undo a saga step";

    private final SagaStore store;
    private final SagaRegistry registry;
    private final String owner;
    private final SagaSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final AlertSink alerts;
    private final ObjectMapper json;
    /** Steps' results to and from the log's JSON. */
    private final ResultCodec results;
    private final CompletionWriter completions;
    public SagaOrchestrator(SagaStore store, SagaRegistry registry, String owner, SagaSettings settings, Clock clock,
                            Sleeper sleeper, AlertSink alerts) {
        this.store = store;
        this.registry = registry;
        this.owner = owner;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.alerts = alerts;
        this.json = store.json();
        this.results = new ResultCodec(json);
        this.completions = new CompletionWriter(store);
    }

    public String owner() {
        return owner;
    }

    public SagaSettings settings() {
        return settings;
    }

    /** Whether this orchestrator has the definition of saga type {@code type}, so it can resume such a saga. */
    /** The saga types this instance can run, sorted. */
    public List<String> types() {
        return registry.types();
    }

    public boolean knows(String type) {
        return registry.find(type).isPresent();
    }

    /** Runs a new saga to its end (or until it needs an operator). */
    public <D> SagaOutcome run(SagaDefinition<D> definition, String businessKey, D data) {
        registry.register(definition);
        Execution<D> ex = new Execution<>(definition, UUID.randomUUID(), businessKey, data, json.valueToTree(data));
        ex.pending.add(NewEvent.of(SagaEvent.Type.STARTED));
        return forward(ex, 0);
    }

    /**
     * Finishes a saga this instance has just claimed (recovery, or an operator's retry): forward when its pivot
     * has committed, otherwise by compensation.
     */
    public SagaOutcome resume(UUID id) {
        SagaRecord record = store.load(id).orElseThrow(() -> new IllegalArgumentException("no saga " + id));
        SagaDefinition<?> definition = registry.find(record.type())
                .orElseThrow(() -> new IllegalStateException("no definition for saga type " + record.type()));
        return resume(definition, record);
    }

    private <D> SagaOutcome resume(SagaDefinition<D> def, SagaRecord r) {
        D data;
        try {
            data = json.treeToValue(r.data(), def.dataType());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("saga " + r.id() + " holds data that no longer reads as " + def.dataType().getSimpleName(), e);
        }
        Execution<D> ex = new Execution<>(def, r.id(), r.businessKey(), data, r.data());
        ex.created = true;
        ex.status = r.status();
        ex.recordedStep = r.currentStep();
        ex.eventsWritten = r.events().size();
        for (SagaEvent e : r.events()) {
            if (e.type() == SagaEvent.Type.STEP_COMPLETED && e.step().isPresent()) {
                Optional<SagaStep<D, ?>> step = def.step(e.step().get());
                if (step.isPresent()) {
                    try {
                        ex.results.put(step.get().name(), typed(step.get(), e.payload().orElse(null)));
                    } catch (IOException x) {
                        throw new IllegalStateException("saga " + r.id() + " holds a result of step " + step.get().name()
                                + " that no longer reads as " + step.get().key().type().getSimpleName(), x);
                    }
                }
            }
        }
        if (r.status() == SagaStatus.COMPENSATING) {
            return continueCompensation(ex, lastFailedStep(r), Optional.empty(), r.lastError().orElse("compensation resumed"));
        }
        if (r.status() != SagaStatus.RUNNING) {
            throw new IllegalStateException("saga " + r.id() + " is " + r.status() + " and cannot be resumed");
        }
        if (def.recoversForward(r.currentStep())) {
            log.info("Recovering saga {} ({}) forward from step {}", r.id(), r.type(), r.currentStep());
            return forward(ex, r.currentStep());
        }
        log.info("Recovering saga {} ({}) by compensation from step {}", r.id(), r.type(), r.currentStep());
        int inFlight = r.currentStep();
        String stepName = inFlight < def.steps().size() ? def.steps().get(inFlight).name() : null;
        boolean includeInFlight = inFlight < def.steps().size() && !def.steps().get(inFlight).local();
        return beginCompensation(ex, inFlight, includeInFlight, stepName, Optional.empty(),
                "interrupted: the instance running it stopped before it finished");
    }

    private static String lastFailedStep(SagaRecord r) {
        for (int i = r.events().size() - 1; i >= 0; i--) {
            SagaEvent e = r.events().get(i);
            if (e.type() == SagaEvent.Type.STEP_FAILED || e.type() == SagaEvent.Type.COMPENSATION_FAILED) {
                return e.step().orElse("?");
            }
        }
        return "?";
    }

    /**
     * What a retry of {@code r} (needing attention, with its events) would do, as a phrase: where it resumes, for
     * a bulk action's preview.
     */
    String retryPlan(SagaRecord r) {
        if (failedWhileCompensating(r)) {
            return "retry: resumes its rollback at the undo of " + lastFailedStep(r);
        }
        Optional<SagaDefinition<?>> def = registry.find(r.type());
        String step = def.filter(d -> r.currentStep() < d.steps().size()).map(d -> d.steps().get(r.currentStep()).name())
                .orElse(lastFailedStep(r));
        return "retry: resumes at step " + step + " (" + (r.currentStep() + 1) + " of " + r.stepCount() + ")";
    }

    /** Whether the saga's last failure was in a compensation (retry compensates) or after the pivot (retry goes forward). */
    static boolean failedWhileCompensating(SagaRecord r) {
        for (int i = r.events().size() - 1; i >= 0; i--) {
            SagaEvent.Type t = r.events().get(i).type();
            if (t == SagaEvent.Type.COMPENSATION_FAILED) {
                return true;
            }
            if (t == SagaEvent.Type.STEP_FAILED) {
                return false;
            }
        }
        return true;
    }

    private <D> SagaOutcome forward(Execution<D> ex, int from) {
        List<SagaStep<D, ?>> steps = ex.def.steps();
        for (int i = from; i < steps.size(); i++) {
            SagaStep<D, ?> step = steps.get(i);
            int last = step.local() ? ex.def.transactionEnd(i) : i;
            int attempt = 0;
            int conflicts = 0;
            while (true) {
                try {
                    if (step.local()) {
                        runTransaction(ex, i, last);
                    } else {
                        runRemote(ex, i, step);
                    }
                    break;
                } catch (SagaFencedException f) {
                    return new SagaOutcome.TakenOver(ex.id);
                } catch (Exception e) {
                    String failedStep = e instanceof PartFailure pf ? pf.step : step.name();
                    Exception cause = unwrap(e instanceof PartFailure pf ? pf.cause() : e);
                    if (step.local() && isTransientConflict(cause) && conflicts < settings.maxAttempts()) {
                        // PostgreSQL rolled the whole transaction back (a deadlock between row locks, say, which
                        // concurrent credits to one hot row can meet): nothing of it happened, so it runs again.
                        conflicts++;
                        log.info("Saga {} transaction at step {} met a lock conflict ({}), running it again (attempt {})", ex.id,
                                failedStep, ((StoreException) cause).sqlState(), conflicts + 1);
                        pause(conflicts);
                        continue;
                    }
                    boolean forwardOnly = ex.def.recoversForward(i);
                    if (!forwardOnly) {
                        Optional<SagaOutcome.Refusal> rejection = cause instanceof SagaRejection r
                                ? Optional.of(new SagaOutcome.Refusal(r.reason(), message(cause))) : Optional.empty();
                        // A refusal is recorded as "rejected: <reason>: …" so that metrics can tell it from a fault.
                        String why = rejection.map(r -> REJECTED_PREFIX + r.reason().code() + ": " + r.detail()).orElse(message(cause));
                        return beginCompensation(ex, i, !step.local(), failedStep, rejection, why);
                    }
                    attempt++;
                    if (attempt >= settings.maxAttempts()) {
                        return needsAttention(ex, failedStep, SagaEvent.Type.STEP_FAILED, SagaStatus.RUNNING, message(cause));
                    }
                    log.warn("Saga {} step {} failed (attempt {}), retrying: {}", ex.id, failedStep, attempt, message(cause));
                    pause(attempt);
                }
            }
            i = last;
        }
        return complete(ex);
    }

    /**
     * A checked exception of a step (or {@link TimeoutException}) carried out of a {@code Jdbc} callback, which rolls
     * the transaction back for it as for any runtime exception; unwrapped once out.
     */
    private static final class Carried extends RuntimeException {
        Carried(Exception cause) {
            super(cause.getMessage(), cause, false, false);
        }

        Exception carried() {
            return (Exception) getCause();
        }
    }

    /** A failure of one part (step) of a database transaction, naming the part. */
    private static final class PartFailure extends Exception {
        final String step;

        PartFailure(String step, Exception cause) {
            super(cause.getMessage(), cause);
            this.step = step;
        }

        Exception cause() {
            return (Exception) getCause();
        }
    }

    /**
     * Runs the database steps {@code first..last} (one step when they are equal) in one local transaction, with their
     * STEP_COMPLETED events and the fenced advance past the last of them: all commit, or none. It commits
     * asynchronously unless it holds the pivot.
     */
    private <D> void runTransaction(Execution<D> ex, int first, int last) throws Exception {
        List<SagaStep<D, ?>> parts = ex.def.steps().subList(first, last + 1);
        if (parts.stream().allMatch(SagaStep::sql)) {
            runSqlTransaction(ex, first, last, parts);
        } else {
            runLocalTransaction(ex, first, last, parts);
        }
    }

    private boolean holdsPivot(SagaDefinition<?> def, int first, int last) {
        return def.pivot() >= first && def.pivot() <= last;
    }

    /**
     * Parts run one after the other on one connection; each sees the results of those before it. A SQL part's
     * statement is limited to the deadline ({@link StepContext#remaining}); a Java part limits its own statements
     * if it wants to, and the limit ends with the part.
     */
    private <D> void runLocalTransaction(Execution<D> ex, int first, int last, List<SagaStep<D, ?>> parts) throws Exception {
        Instant deadline = deadline(ex);
        Map<String, Object> results = new LinkedHashMap<>();
        Advance advance;
        try {
            // Any throwable, Errors included, rolls back (Jdbc.inTransaction): nothing commits the steps' work without
            // their events.
            advance = store.jdbc().inTransaction(STEP, tx -> {
                List<NewEvent> events = new ArrayList<>(ex.pending);
                for (SagaStep<D, ?> part : parts) {
                    StepContext partCtx = context(ex, part, results, deadline);
                    JsonNode recorded;
                    Object result;
                    try {
                        if (part.sql()) {
                            recorded = runStatement(tx, partCtx, part, ex.data);
                            result = typed(part, recorded);
                        } else {
                            result = part.runLocal(partCtx, ex.data, tx);
                            recorded = recorded(result);
                        }
                    } catch (Exception e) {
                        throw new Carried(new PartFailure(part.name(), e));
                    } finally {
                        tx.queryTimeout(Duration.ZERO);
                    }
                    results.put(part.name(), result);
                    events.add(NewEvent.step(SagaEvent.Type.STEP_COMPLETED, part.name(), recorded, null));
                }
                try {
                    checkDeadline(parts.get(0).name(), deadline, ex.def);
                } catch (TimeoutException e) {
                    throw new Carried(e);
                }
                Advance a = ex.numbered(new Advance(ex.id, owner, SagaStatus.RUNNING, ex.recordedStep, SagaStatus.RUNNING,
                        last + 1, settings.lease(), events, !holdsPivot(ex.def, first, last), null));
                store.advance(tx, a, ex.creation());
                return a;
            });
        } catch (Carried c) {
            throw c.carried();
        }
        ex.committed(advance, 0, last, results);
    }

    /** A SQL part run as a statement of its own (inside a transaction that has Java parts too), limited to the deadline. */
    private <D> JsonNode runStatement(Tx tx, StepContext ctx, SagaStep<D, ?> part, D data) throws Exception {
        StepStatement work = part.sqlAction().statement(ctx, data);
        String text;
        try {
            tx.queryTimeout(ctx.remaining());
            text = work.result(tx);
        } catch (StoreException e) {
            throw part.sqlErrors().translate(e);
        }
        return text == null ? json.nullNode() : json.readTree(text);
    }

    /**
     * SQL parts: their statements composed into one ({@link StepStatement#composed}), followed by their STEP_COMPLETED
     * events (each with its part's result) and the fenced advance, all in one statement in autocommit
     * ({@link SagaStore#advanceWithSteps}), which PostgreSQL executes as one transaction: one round trip in all.
     */
    private <D> void runSqlTransaction(Execution<D> ex, int first, int last, List<SagaStep<D, ?>> parts) throws Exception {
        Instant deadline = deadline(ex);
        List<StepStatement> statements = new ArrayList<>(parts.size());
        for (SagaStep<D, ?> part : parts) {
            try {
                statements.add(part.sqlAction().statement(context(ex, part, Map.of(), deadline), ex.data));
            } catch (Exception e) {
                throw new PartFailure(part.name(), e);
            }
        }
        StepStatement work = StepStatement.composed(statements);
        List<String> names = new ArrayList<>(parts.size());
        for (SagaStep<D, ?> part : parts) {
            names.add(part.name());
        }
        Advance advance = ex.numbered(new Advance(ex.id, owner, SagaStatus.RUNNING, ex.recordedStep, SagaStatus.RUNNING, last + 1,
                settings.lease(), new ArrayList<>(ex.pending), !holdsPivot(ex.def, first, last), null));
        Optional<Creation> creation = ex.creation();
        StepContext timed = context(ex, parts.get(0), Map.of(), deadline);
        List<String> texts;
        try {
            // One statement in autocommit: PostgreSQL runs it as one transaction, limited to the deadline.
            texts = store.jdbc().read(STEP, tx -> {
                tx.queryTimeout(timed.remaining());
                return store.advanceWithSteps(tx, work, names, advance, creation);
            });
        } catch (StoreException e) {
            throw translate(parts, SagaStore.fenced(e, ex.id));
        }
        Map<String, Object> recorded = new LinkedHashMap<>();
        for (int k = 0; k < parts.size(); k++) {
            String text = texts.get(k);
            recorded.put(parts.get(k).name(), typed(parts.get(k), text == null ? null : json.readTree(text)));
        }
        checkDeadline(parts.get(0).name(), deadline, ex.def);
        ex.committed(advance, parts.size(), last, recorded); // the STEP_COMPLETED events were built in SQL
    }

    /**
     * A failed composed statement, as the part that claims its error sees it (its {@link SagaStep.SqlErrors} turns it
     * into something else, a rejection say); unclaimed errors are the first part's, where the transaction began.
     */
    private static <D> Exception translate(List<SagaStep<D, ?>> parts, StoreException e) {
        for (SagaStep<D, ?> part : parts) {
            Exception translated = part.sqlErrors().translate(e);
            if (translated != e) {
                return new PartFailure(part.name(), translated);
            }
        }
        return new PartFailure(parts.get(0).name(), e);
    }

    private <D> void runRemote(Execution<D> ex, int index, SagaStep<D, ?> step) throws Exception {
        StepContext ctx = context(ex, step);
        Object result = step.runRemote(ctx, ex.data);
        checkDeadline(ctx, ex.def);
        ex.results.put(step.name(), result);
        ex.pending.add(NewEvent.step(SagaEvent.Type.STEP_COMPLETED, step.name(), recorded(result), null));
    }

    private <D> SagaOutcome complete(Execution<D> ex) {
        List<NewEvent> events = new ArrayList<>(ex.pending);
        events.add(NewEvent.of(SagaEvent.Type.COMPLETED));
        int n = ex.def.steps().size();
        // With a pivot, the pivot's synchronous commit already made the outcome durable: the completion record is
        // written with others in a group (CompletionWriter); recovery completes the saga if we die before that.
        boolean async = ex.def.pivot() >= 0 && ex.recordedStep > ex.def.pivot();
        if (async && ex.created) {
            completions.submit(ex.numbered(new Advance(ex.id, owner, SagaStatus.RUNNING, ex.recordedStep, SagaStatus.COMPLETED, n,
                    settings.lease(), events, true, null)));
            ex.pending.clear();
            return new SagaOutcome.Completed(ex.id, new StepResults(ex.results));
        }
        try {
            store.advance(ex.numbered(new Advance(ex.id, owner, SagaStatus.RUNNING, ex.recordedStep, SagaStatus.COMPLETED, n,
                    settings.lease(), events, async, null)), ex.creation());
        } catch (SagaFencedException f) {
            return new SagaOutcome.TakenOver(ex.id);
        } catch (StoreException e) {
            // Recovery will complete it forward (every step is done); the caller may treat it as completed.
            log.warn("Saga {} finished its steps but its completion could not be recorded yet: {}", ex.id, e.getMessage());
        }
        ex.pending.clear();
        return new SagaOutcome.Completed(ex.id, new StepResults(ex.results));
    }

    /**
     * Starts undoing: steps [0, failedIndex) plus the failed step itself when it is remote (it may have acted).
     */
    private <D> SagaOutcome beginCompensation(Execution<D> ex, int failedIndex, boolean includeFailed, String failedStep,
                                              Optional<SagaOutcome.Refusal> rejection, String message) {
        int upTo = failedIndex + (includeFailed ? 1 : 0);
        if (!ex.created && failedIndex == 0 && rejection.isPresent()) {
            return new SagaOutcome.Compensated(ex.id, failedStep, rejection, message, false);
        }
        List<NewEvent> events = new ArrayList<>(ex.pending);
        events.add(NewEvent.step(SagaEvent.Type.STEP_FAILED, failedStep, null, message));
        events.add(NewEvent.of(SagaEvent.Type.COMPENSATION_STARTED));
        try {
            store.advance(new Advance(ex.id, owner, ex.created ? ex.status : null, ex.recordedStep, SagaStatus.COMPENSATING,
                    upTo, settings.lease(), events, false, message), ex.creation());
        } catch (SagaFencedException f) {
            return new SagaOutcome.TakenOver(ex.id);
        } catch (StoreException e) {
            log.warn("Saga {} could not record its failure ({}); recovery will compensate it", ex.id, e.getMessage());
            return new SagaOutcome.NeedsAttention(ex.id, failedStep, "the database did not answer while undoing: " + message(e));
        }
        ex.created = true;
        ex.status = SagaStatus.COMPENSATING;
        ex.recordedStep = upTo;
        ex.pending.clear();
        ex.eventsWritten = null; // off the hot path: let the database number events
        return continueCompensation(ex, failedStep, rejection, message);
    }

    private <D> SagaOutcome continueCompensation(Execution<D> ex, String failedStep, Optional<SagaOutcome.Refusal> rejection, String message) {
        for (int j = ex.recordedStep - 1; j >= 0; j--) {
            SagaStep<D, ?> step = ex.def.steps().get(j);
            int attempt = 0;
            while (true) {
                try {
                    compensateOne(ex, j, step);
                    break;
                } catch (SagaFencedException f) {
                    return new SagaOutcome.TakenOver(ex.id);
                } catch (Exception e) {
                    attempt++;
                    String why = message(unwrap(e));
                    if (attempt >= settings.maxAttempts()) {
                        return needsAttention(ex, step.name(), SagaEvent.Type.COMPENSATION_FAILED, SagaStatus.COMPENSATING, why);
                    }
                    log.warn("Saga {} compensation of {} failed (attempt {}), retrying: {}", ex.id, step.name(), attempt, why);
                    pause(attempt);
                }
            }
        }
        try {
            store.advance(new Advance(ex.id, owner, SagaStatus.COMPENSATING, 0, SagaStatus.COMPENSATED, 0, settings.lease(),
                    List.of(NewEvent.of(SagaEvent.Type.COMPENSATED)), true, null), Optional.empty());
        } catch (SagaFencedException f) {
            return new SagaOutcome.TakenOver(ex.id);
        } catch (StoreException e) {
            log.warn("Saga {} was undone but its end could not be recorded yet: {}", ex.id, e.getMessage());
        }
        ex.status = SagaStatus.COMPENSATED;
        return new SagaOutcome.Compensated(ex.id, failedStep, rejection, message, true);
    }

    private <D> void compensateOne(Execution<D> ex, int index, SagaStep<D, ?> step) throws Exception {
        StepContext ctx = context(ex, step);
        // A step that completed has its result here (null when it records none); one that did not is absent.
        boolean completed = ex.results.containsKey(step.name());
        Object result = ex.results.get(step.name());
        NewEvent done = NewEvent.step(SagaEvent.Type.STEP_COMPENSATED, step.name(),
                step.compensatable() ? null : json.createObjectNode().put("nothingToUndo", true), null);
        Advance advance = new Advance(ex.id, owner, SagaStatus.COMPENSATING, index + 1, SagaStatus.COMPENSATING, index,
                settings.lease(), List.of(done), true, null);
        if (!step.local()) {
            if (step.remoteCompensation().isPresent()) {
                step.compensateRemote(ctx, ex.data, result);
                checkDeadline(ctx, ex.def);
            }
            store.advance(advance, Optional.empty());
            ex.recordedStep = index;
            return;
        }
        try {
            // Any throwable, Errors included, rolls back (Jdbc.transact): nothing commits the undoing without its event.
            store.jdbc().transact(COMPENSATION, tx -> {
                if (step.localCompensation().isPresent() && completed) {
                    store.markCompensating(tx, ex.id);
                    try {
                        step.compensateLocal(ctx, ex.data, result, tx);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new Carried(e);
                    }
                }
                store.advance(tx, advance, Optional.empty());
            });
        } catch (Carried c) {
            throw c.carried();
        }
        ex.recordedStep = index;
    }

    private <D> SagaOutcome needsAttention(Execution<D> ex, String stepName, SagaEvent.Type eventType, SagaStatus from, String why) {
        List<NewEvent> events = new ArrayList<>(ex.pending);
        events.add(NewEvent.step(eventType, stepName, null, why));
        try {
            store.advance(new Advance(ex.id, owner, ex.created ? from : null, ex.recordedStep, SagaStatus.FAILED_NEEDS_ATTENTION,
                    ex.recordedStep, settings.lease(), events, false, why), ex.creation());
            ex.created = true;
            ex.pending.clear();
        } catch (SagaFencedException f) {
            return new SagaOutcome.TakenOver(ex.id);
        } catch (StoreException e) {
            log.error("Saga {} needs attention but the database did not record it: {}", ex.id, e.getMessage());
        }
        String message = "Saga " + ex.id + " (" + ex.def.type() + ", " + ex.businessKey + ") could not "
                + (eventType == SagaEvent.Type.COMPENSATION_FAILED ? "be undone" : "finish") + " at step " + stepName
                + " after " + settings.maxAttempts() + " attempts: " + why
                + ". Fix the cause, then run 'sagas retry " + ex.id + "', or 'sagas resolve' once handled by hand.";
        alerts.raise(new Alert("critical", "saga", ex.id.toString(), message, clock.instant()));
        return new SagaOutcome.NeedsAttention(ex.id, stepName, why);
    }

    private StepContext context(Execution<?> ex, SagaStep<?, ?> step) {
        return new StepContext(ex.id, step.name(), new StepResults(ex.results), clock.instant().plus(ex.def.stepTimeout()), clock);
    }

    /** When a step (or a whole database transaction) started now must have finished. */
    private Instant deadline(Execution<?> ex) {
        return clock.instant().plus(ex.def.stepTimeout());
    }

    /** The context of a part of a transaction: the saga's results so far plus {@code earlierParts}, one deadline. */
    private StepContext context(Execution<?> ex, SagaStep<?, ?> step, Map<String, Object> earlierParts, Instant deadline) {
        Map<String, Object> results = new LinkedHashMap<>(ex.results);
        results.putAll(earlierParts);
        return new StepContext(ex.id, step.name(), new StepResults(results), deadline, clock);
    }

    /** A step's result as the log records it: the record written as JSON (JSON null for none). */
    private JsonNode recorded(Object result) {
        return results.write(result);
    }

    /** A recorded result read as the step's result type (null for JSON null, and for a step that records none). */
    private Object typed(SagaStep<?, ?> step, JsonNode recorded) throws IOException {
        return results.read(step.key(), recorded);
    }

    /**
     * Per-step timeout: database statements are cancelled by the driver at the deadline ({@link StepContext#remaining}),
     * remote clients have their own socket timeouts; a step that still overran counts as failed (its local work is
     * rolled back with it).
     */
    private void checkDeadline(StepContext ctx, SagaDefinition<?> def) throws TimeoutException {
        checkDeadline(ctx.step(), ctx.deadline(), def);
    }

    private void checkDeadline(String step, Instant deadline, SagaDefinition<?> def) throws TimeoutException {
        if (clock.instant().isAfter(deadline)) {
            throw new TimeoutException("step " + step + " took longer than " + def.stepTimeout().toMillis() + " ms");
        }
    }

    private void pause(int attempt) {
        try {
            sleeper.sleep(settings.backoff(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A failure PostgreSQL resolved by rolling the transaction back, for which running it again is the remedy:
     * deadlock_detected, lock_not_available, and serialization_failure other than the saga's own fencing (which
     * arrives as {@link SagaFencedException}).
     */
    static boolean isTransientConflict(Exception e) {
        if (!(e instanceof StoreException sql)) {
            return false;
        }
        String state = sql.sqlState();
        return "40P01".equals(state) || "55P03".equals(state) || "40001".equals(state);
    }

    private static Exception unwrap(Exception e) {
        return e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
    }

    /** The first line of a failure's message; a database failure in PostgreSQL's own words, as the driver gave them. */
    static String message(Throwable e) {
        Throwable shown = e instanceof StoreException s && s.getCause() != null ? s.getCause() : e;
        String m = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Writes the completion records still waiting in the group writer (tests and shutdown). */
    public void flushCompletions() {
        completions.flush();
    }

    @Override
    public void close() {
        completions.close();
    }

    /** One saga in flight in this instance. */
    private static final class Execution<D> {
        final SagaDefinition<D> def;
        final UUID id;
        final String businessKey;
        final D data;
        final JsonNode dataJson;
        /** Completed steps' results, typed, by step name (a step without one maps to null). */
        final Map<String, Object> results = new LinkedHashMap<>();
        final List<NewEvent> pending = new ArrayList<>();
        boolean created;
        SagaStatus status = SagaStatus.RUNNING;
        int recordedStep;
        /** Events durably written so far, when known (null after resuming: the database counts). */
        Integer eventsWritten = 0;

        /** An advance for this saga, told its first event's sequence number when known. */
        Advance numbered(Advance a) {
            return eventsWritten == null ? a : a.withNextSeq(eventsWritten);
        }

        void wrote(Advance a) {
            if (eventsWritten != null) {
                eventsWritten += a.events().size();
            }
        }

        /**
         * A database transaction through step {@code last} committed with {@code advance}, plus {@code eventsBuiltInSql}
         * events the statement made itself; {@code results} are its steps' results.
         */
        void committed(Advance advance, int eventsBuiltInSql, int last, Map<String, Object> stepResults) {
            wrote(advance);
            if (eventsWritten != null) {
                eventsWritten += eventsBuiltInSql;
            }
            created = true;
            recordedStep = last + 1;
            pending.clear();
            results.putAll(stepResults);
        }

        Execution(SagaDefinition<D> def, UUID id, String businessKey, D data, JsonNode dataJson) {
            this.def = def;
            this.id = id;
            this.businessKey = businessKey;
            this.data = data;
            this.dataJson = dataJson;
        }

        Optional<Creation> creation() {
            return created ? Optional.empty() : Optional.of(new Creation(def.type(), businessKey, dataJson, def.steps().size()));
        }
    }
}
