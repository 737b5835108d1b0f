package org.nstcg.integrity.console.sagas;

import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.ProbeSagas;

/**
 * Sagas that need attention, run by the engine's own orchestrator (so that its retry can finish them): a "probe"
 * saga ({@link ProbeSagas}) whose second step always fails and whose first step's undo fails while it runs, as in
 * {@code SagaCommandsIT}. With the undo mended, a retry rolls the saga back (COMPENSATED).
 */
public final class BrokenSagas {

    public static final String TYPE = "probe";

    private BrokenSagas() {
    }

    /** Runs a probe saga on the engine with its undo broken; it ends FAILED_NEEDS_ATTENTION. Then mends the undo. */
    public static UUID needingAttention(IntegrityEngine engine, String note) {
        return ProbeSagas.needingAttention(engine.sagas().orchestrator(), TYPE, note);
    }
}
