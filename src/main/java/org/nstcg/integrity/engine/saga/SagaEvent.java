package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/** One entry of a saga's append-only event log. */
public record SagaEvent(int seq, Type type, Optional<String> step, Optional<JsonNode> payload, Optional<String> error,
                        Optional<String> actor, Optional<String> reason, Instant at) {

    public enum Type {
        STARTED, STEP_COMPLETED, STEP_FAILED, COMPENSATION_STARTED, STEP_COMPENSATED, COMPENSATION_FAILED,
        COMPLETED, COMPENSATED, MANUAL_ACTION
    }
}
