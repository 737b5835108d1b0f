package org.nstcg.integrity.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaRegistry;
import org.nstcg.integrity.engine.saga.SagaSettings;
import org.nstcg.integrity.engine.saga.SagaStore;
import org.nstcg.integrity.engine.saga.StepKey;

/**
 * Sagas that need attention, made quickly, of a type named by the test (so tests sharing an engine do not see each
 * other's): a "probe" whose second step always fails and whose first step's undo fails when its data says so. They are
 * run by an orchestrator of this class's own that does not pause between attempts (the engine's would back off for
 * seconds); the engine's orchestrator learns the type from one probe that rolls back at once, so that it can retry them
 * (a retry rolls such a saga back: the undo no longer fails, since it reads {@link #BROKEN} at the time).
 */
public final class ProbeSagas {

    /** The probe saga's data. */
    public record Probe(String note) {
    }

    /** What the probe's first step records. */
    public record Wrote(String wrote) {
    }

    /** While set, the undo of the probe's first step fails. */
    private static final java.util.concurrent.atomic.AtomicBoolean BROKEN = new java.util.concurrent.atomic.AtomicBoolean();
    private static final Map<String, SagaDefinition<Probe>> DEFINITIONS = new ConcurrentHashMap<>();
    private static final Map<IntegrityEngine, SagaOrchestrator> QUICK = new ConcurrentHashMap<>();

    private ProbeSagas() {
    }

    /** Runs {@code count} probes of {@code type} (business keys "{@code type} 0", "… 1"…); each ends FAILED_NEEDS_ATTENTION. */
    public static synchronized List<UUID> needingAttention(IntegrityEngine engine, String type, int count) {
        SagaDefinition<Probe> definition = DEFINITIONS.computeIfAbsent(type, ProbeSagas::probe);
        if (!engine.sagas().orchestrator().knows(type)) {
            SagaOutcome learnt = engine.sagas().orchestrator().run(definition, type + " (rolled back)", new Probe("rolled back"));
            if (!(learnt instanceof SagaOutcome.Compensated)) {
                throw new IllegalStateException("a probe with its undo working should roll back, but: " + learnt);
            }
        }
        SagaOrchestrator quick = QUICK.computeIfAbsent(engine, e -> new SagaOrchestrator(
                new SagaStore(e.database().jdbc(), new ObjectMapper()), new SagaRegistry(), "probe-sagas",
                SagaSettings.defaults().withBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)),
                Clock.systemUTC(), pause -> { }, alert -> { }));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(needingAttention(quick, type, type + " " + i));
        }
        return ids;
    }

    /**
     * Runs one probe of {@code type} on {@code orchestrator} (business key and note {@code key}) with its undo broken;
     * it ends FAILED_NEEDS_ATTENTION, and the undo is mended again, so that a retry rolls it back.
     */
    public static synchronized UUID needingAttention(SagaOrchestrator orchestrator, String type, String key) {
        BROKEN.set(true);
        try {
            SagaOutcome outcome = orchestrator.run(DEFINITIONS.computeIfAbsent(type, ProbeSagas::probe), key, new Probe(key));
            if (!(outcome instanceof SagaOutcome.NeedsAttention)) {
                throw new IllegalStateException("a probe with its undo broken should need attention, but: " + outcome);
            }
            return outcome.sagaId();
        } finally {
            BROKEN.set(false);
        }
    }

    private static SagaDefinition<Probe> probe(String type) {
        return SagaDefinition.builder(type, Probe.class)
                .local(StepKey.of("Write", Wrote.class), (ctx, d, tx) -> {
                    tx.singleLong("SELECT 1");
                    return new Wrote(d.note());
                }, (ctx, d, result, tx) -> {
                    if (BROKEN.get()) {
                        throw new IllegalStateException("the undo of Write is broken on purpose");
                    }
                })
                .local(StepKey.of("Fail"), (ctx, d, tx) -> {
                    throw new IllegalStateException("Fail refuses on purpose");
                }, null)
                .build();
    }
}
