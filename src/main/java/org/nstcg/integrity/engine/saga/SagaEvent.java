package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** One entry of a saga's append-only event log. */
public record SagaEvent(int seq, Type type, Optional<String> step, Optional<JsonNode> payload, Optional<String> error,
                        Optional<String> actor, Optional<String> reason, Instant at) {

    public enum Type {
        STARTED, STEP_COMPLETED, STEP_FAILED, COMPENSATION_STARTED, STEP_COMPENSATED, COMPENSATION_FAILED,
        COMPLETED, COMPENSATED, MANUAL_ACTION
    }

    /** What an operator did to a saga; {@link #code()} is the {@code action} of a MANUAL_ACTION event's payload. */
    public enum ManualAction {
        /** Ran it again ({@code sagas retry}). */
        RETRY("retry"),
        /** Marked it handled by hand ({@code sagas resolve}). */
        RESOLVE("resolve");

        private final String code;

        ManualAction(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        /** The action recorded as {@code code}, empty for one this version does not know. */
        public static Optional<ManualAction> of(String code) {
            return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst();
        }
    }

    /** The operator's action of a MANUAL_ACTION event, empty for other events (and unknown actions). */
    public Optional<ManualAction> manualAction() {
        return type == Type.MANUAL_ACTION ? payload.flatMap(p -> ManualAction.of(p.path("action").asText(""))) : Optional.empty();
    }
}
