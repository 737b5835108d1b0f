package org.nstcg.integrity.engine.saga;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The results of a saga's completed steps, typed by their {@link StepKey}s: what the steps returned in this run,
 * or what they recorded in the saga log when the saga was resumed from it.
 */
public final class StepResults {

    /** By step name; a step without a result maps to null. */
    private final Map<String, Object> byStep;

    StepResults(Map<String, Object> byStep) {
        this.byStep = Collections.unmodifiableMap(new LinkedHashMap<>(byStep));
    }

    /** Whether the step completed (and recorded its result, which may be null). */
    public boolean completed(StepKey<?> step) {
        return byStep.containsKey(step.name());
    }

    /**
     * The result of a completed step (null for a step without one).
     *
     * @throws IllegalStateException when the step has not completed
     */
    public <R> R get(StepKey<R> step) {
        if (!completed(step)) {
            throw new IllegalStateException("step " + step.name() + " has no recorded result");
        }
        return step.type().cast(byStep.get(step.name()));
    }

    /** The result of the step, empty when it has not completed or recorded none. */
    public <R> Optional<R> find(StepKey<R> step) {
        return Optional.ofNullable(step.type().cast(byStep.get(step.name())));
    }

    /** The names of the completed steps, in the order they completed. */
    public java.util.Set<String> steps() {
        return byStep.keySet();
    }

    @Override
    public String toString() {
        return byStep.toString();
    }
}
