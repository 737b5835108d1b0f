package org.nstcg.integrity.console.sagas;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.StepKey;

/**
 * Sagas that need attention, run by the engine's own orchestrator (so that its retry can finish them): a "probe"
 * saga whose second step always fails and whose first step's undo fails while {@link #BROKEN} is set, as in
 * {@code SagaCommandsIT}. With the undo fixed, a retry rolls the saga back (COMPENSATED).
 */
public final class BrokenSagas {

    /** The probe saga's data. */
    public record Probe(String note) {
    }

    /** While set, the undo of the probe's first step fails. */
    public static final AtomicBoolean BROKEN = new AtomicBoolean();

    public static final String TYPE = "probe";

    /** What the probe's first step records. */
    public record Wrote(String wrote) {
    }

    private static final SagaDefinition<Probe> DEFINITION = SagaDefinition.builder(TYPE, Probe.class)
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

    private BrokenSagas() {
    }

    /** Runs a probe saga on the engine with its undo broken; it ends FAILED_NEEDS_ATTENTION. Then mends the undo. */
    public static UUID needingAttention(IntegrityEngine engine, String note) {
        BROKEN.set(true);
        try {
            SagaOutcome outcome = engine.sagas().orchestrator().run(DEFINITION, note, new Probe(note));
            if (!(outcome instanceof SagaOutcome.NeedsAttention)) {
                throw new IllegalStateException("probe saga should need attention, but: " + outcome);
            }
            return outcome.sagaId();
        } finally {
            BROKEN.set(false);
        }
    }
}
