package org.nstcg.integrity.engine.saga;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step (or compensation) is given: the saga's id, an idempotency key unique to this saga and step (so a
 * re-run after a crash never applies twice), the typed results of the steps before it, and its deadline.
 */
public final class StepContext {

    private final UUID sagaId;
    private final String step;
    private final StepResults results;
    private final Instant deadline;
    private final Clock clock;

    StepContext(UUID sagaId, String step, StepResults results, Instant deadline, Clock clock) {
        this.sagaId = sagaId;
        this.step = step;
        this.results = results;
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

    /**
     * The result of an earlier step, typed (null for a step that records none).
     *
     * @throws IllegalStateException when that step has not completed
     */
    public <R> R result(StepKey<R> step) {
        return results.get(step);
    }

    /** The result of an earlier step, empty when it has not completed or recorded none. */
    public <R> Optional<R> findResult(StepKey<R> step) {
        return results.find(step);
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
