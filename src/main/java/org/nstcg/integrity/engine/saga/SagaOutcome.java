package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** How a saga run ended, as seen by its caller. */
public sealed interface SagaOutcome {

    UUID sagaId();

    /** Every step ran; {@code results} holds each step's recorded result. */
    record Completed(UUID sagaId, Map<String, JsonNode> results) implements SagaOutcome {
    }

    /**
     * A step failed or refused and every earlier step was undone.
     *
     * @param rejection the business reason when a step refused ({@link SagaRejection}), empty for a fault
     * @param logged    false when the first step refused before anything was done: such a saga is not logged
     */
    record Compensated(UUID sagaId, String failedStep, Optional<String> rejection, String message, boolean logged)
            implements SagaOutcome {
    }

    /** A compensation (or a step after the pivot) kept failing: an operator must act. Alerted. */
    record NeedsAttention(UUID sagaId, String step, String message) implements SagaOutcome {
    }

    /** Another instance took the saga over (our lease had expired); it will finish it. */
    record TakenOver(UUID sagaId) implements SagaOutcome {
    }
}
