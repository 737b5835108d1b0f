package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step (or compensation) is given: the saga's id, an idempotency key unique to this saga and step (so a
 * re-run after a crash never applies twice), the results of the steps before it, and its deadline.
 */
public final class StepContext {

    private final UUID sagaId;
    private final String step;
    private final Map<String, JsonNode> results;
    private final Instant deadline;
    private final Clock clock;

    StepContext(UUID sagaId, String step, Map<String, JsonNode> results, Instant deadline, Clock clock) {
        this.sagaId = sagaId;
        this.step = step;
        this.results = Map.copyOf(results);
        this.deadline = deadline;
        this.clock = clock;
    }

    public UUID sagaId() {
        return sagaId;
    }

    public String step() {
        return step;
    }

    /** {@code <saga id>:<step name>}. */
    public String idempotencyKey() {
        return sagaId + ":" + step;
    }

    /** The recorded result of an earlier step. */
    public Optional<JsonNode> result(String stepName) {
        return Optional.ofNullable(results.get(stepName));
    }

    public JsonNode requireResult(String stepName) {
        return result(stepName).orElseThrow(() -> new IllegalStateException("step " + stepName + " has no recorded result"));
    }

    public Instant deadline() {
        return deadline;
    }

    /**
     * The time left until the deadline, at least a millisecond: the per-step timeout for database work, given to
     * {@code Tx.queryTimeout} so the driver cancels the step's statements when the deadline passes (no extra round
     * trip; rounded up to whole seconds, at least one).
     */
    public Duration remaining() {
        return Duration.ofMillis(Math.max(1, deadline.toEpochMilli() - clock.millis()));
    }
}
