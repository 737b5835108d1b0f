package org.nstcg.integrity.engine.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A saga type: a name and an ordered list of named steps. Steps up to and including the <b>pivot</b> are
 * compensated in reverse order when a later one fails (backward recovery); once the pivot has committed, the
 * remaining steps are retried until they succeed (forward recovery). A definition without a pivot always
 * recovers backward.
 *
 * @param <D> the saga's data, a record serialised as JSON in the saga log
 */
public final class SagaDefinition<D> {

    private final String type;
    private final Class<D> dataType;
    private final List<SagaStep<D>> steps;
    private final int pivot;
    private final Duration stepTimeout;

    private SagaDefinition(String type, Class<D> dataType, List<SagaStep<D>> steps, int pivot, Duration stepTimeout) {
        this.type = type;
        this.dataType = dataType;
        this.steps = List.copyOf(steps);
        this.pivot = pivot;
        this.stepTimeout = stepTimeout;
    }

    public static <D> Builder<D> builder(String type, Class<D> dataType) {
        return new Builder<>(type, dataType);
    }

    public String type() {
        return type;
    }

    public Class<D> dataType() {
        return dataType;
    }

    public List<SagaStep<D>> steps() {
        return steps;
    }

    /** Index of the pivot step, or -1. */
    public int pivot() {
        return pivot;
    }

    /** Whether a saga that has completed {@code completedSteps} steps recovers forward. */
    public boolean recoversForward(int completedSteps) {
        return pivot >= 0 && completedSteps > pivot;
    }

    public Duration stepTimeout() {
        return stepTimeout;
    }

    /** Builds a definition step by step. */
    public static final class Builder<D> {
        private final String type;
        private final Class<D> dataType;
        private final List<SagaStep<D>> steps = new ArrayList<>();
        private int pivot = -1;
        private Duration stepTimeout = Duration.ofSeconds(10);

        private Builder(String type, Class<D> dataType) {
            this.type = type;
            this.dataType = dataType;
        }

        public Builder<D> local(String name, SagaStep.LocalAction<D> action, SagaStep.LocalCompensation<D> compensation) {
            steps.add(new SagaStep<>(name, true, action, null, Optional.ofNullable(compensation), Optional.empty(), null, null));
            return this;
        }

        /** A local step given as one statement (one round trip with its bookkeeping); {@code errors} may translate failures. */
        public Builder<D> sql(String name, SagaStep.SqlAction<D> action, SagaStep.SqlErrors errors, SagaStep.LocalCompensation<D> compensation) {
            steps.add(new SagaStep<>(name, true, null, null, Optional.ofNullable(compensation), Optional.empty(), action,
                    errors == null ? e -> e : errors));
            return this;
        }

        public Builder<D> remote(String name, SagaStep.RemoteAction<D> action, SagaStep.RemoteCompensation<D> compensation) {
            steps.add(new SagaStep<>(name, false, null, action, Optional.empty(), Optional.ofNullable(compensation), null, null));
            return this;
        }

        /** Marks the step added last as the pivot: from its commit on, the saga only goes forward. */
        public Builder<D> pivot() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("add the pivot step first");
            }
            pivot = steps.size() - 1;
            return this;
        }

        public Builder<D> stepTimeout(Duration timeout) {
            this.stepTimeout = timeout;
            return this;
        }

        public SagaDefinition<D> build() {
            Set<String> names = new HashSet<>();
            for (SagaStep<D> s : steps) {
                if (!names.add(s.name())) {
                    throw new IllegalStateException("saga " + type + " has two steps named " + s.name());
                }
            }
            if (steps.isEmpty()) {
                throw new IllegalStateException("saga " + type + " has no steps");
            }
            return new SagaDefinition<>(type, dataType, steps, pivot, stepTimeout);
        }
    }
}
