package org.nstcg.integrity.engine.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A saga type: a name and an ordered list of named steps. Steps up to and including the <b>pivot</b> are
 * compensated in reverse order when a later one fails (backward recovery); once the pivot has committed, the
 * remaining steps are retried until they succeed (forward recovery). A definition without a pivot always
 * recovers backward.
 *
 * <p>A step is a unit of work against <b>one resource</b>. Consecutive database steps declared as one
 * {@link Builder#transaction transaction} commit together, with their events and the saga's advance: a crash leaves
 * all of them or none, so nothing between them needs compensating. Each keeps its name, its result and its
 * compensation (used when a later step fails), so the log reads step by step as before.
 *
 * <p>Each step is named by a {@link StepKey}, which also gives the type of its result: the builder takes the step's
 * action and compensation typed by it, so a compensation receives its own step's result as that step returned it.
 *
 * @param <D> the saga's data, a record serialised as JSON in the saga log
 */
public final class SagaDefinition<D> {

    private final String type;
    private final Class<D> dataType;
    private final List<SagaStep<D, ?>> steps;
    private final int pivot;
    private final Duration stepTimeout;
    /** For each step, the index of the last step of its transaction (itself when it commits alone). */
    private final int[] transactionEnd;
    /** For each step, the index of the first step of its transaction. */
    private final int[] transactionStart;

    private SagaDefinition(String type, Class<D> dataType, List<SagaStep<D, ?>> steps, int pivot, Duration stepTimeout,
                           int[] transactionStart, int[] transactionEnd) {
        this.type = type;
        this.dataType = dataType;
        this.steps = List.copyOf(steps);
        this.pivot = pivot;
        this.stepTimeout = stepTimeout;
        this.transactionStart = transactionStart;
        this.transactionEnd = transactionEnd;
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

    public List<SagaStep<D, ?>> steps() {
        return steps;
    }

    /** The step named {@code name}, if this saga has one (recovery reads results back by the names the log holds). */
    public Optional<SagaStep<D, ?>> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
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

    /** The index of the first step that commits together with step {@code index} (itself when it commits alone). */
    public int transactionStart(int index) {
        return transactionStart[index];
    }

    /** The index of the last step that commits together with step {@code index} (itself when it commits alone). */
    public int transactionEnd(int index) {
        return transactionEnd[index];
    }

    /** Whether step {@code index} shares its transaction with the step before it. */
    public boolean joinsPrevious(int index) {
        return transactionStart[index] < index;
    }

    /** Builds a definition step by step. */
    public static final class Builder<D> {
        private final String type;
        private final Class<D> dataType;
        private final List<SagaStep<D, ?>> steps = new ArrayList<>();
        private int pivot = -1;
        private Duration stepTimeout = Duration.ofSeconds(10);
        /** Indexes of steps that commit in the transaction of the step before them. */
        private final Set<Integer> joined = new HashSet<>();
        private boolean inTransaction;

        private Builder(String type, Class<D> dataType) {
            this.type = type;
            this.dataType = dataType;
        }

        /** A local step whose Java action works on the step's transaction; {@code compensation} may be null. */
        public <R> Builder<D> local(StepKey<R> key, SagaStep.LocalAction<D, R> action, SagaStep.LocalCompensation<D, R> compensation) {
            steps.add(new SagaStep<>(key, true, action, null, Optional.ofNullable(compensation), Optional.empty(), null, null));
            return this;
        }

        /**
         * A local step given as one statement (one round trip with its bookkeeping), whose jsonb result reads as the
         * key's type; {@code errors} may translate failures.
         */
        public <R> Builder<D> sql(StepKey<R> key, SagaStep.SqlAction<D> action, SagaStep.SqlErrors errors,
                                  SagaStep.LocalCompensation<D, R> compensation) {
            steps.add(new SagaStep<>(key, true, null, null, Optional.ofNullable(compensation), Optional.empty(), action,
                    errors == null ? e -> e : errors));
            return this;
        }

        public <R> Builder<D> remote(StepKey<R> key, SagaStep.RemoteAction<D, R> action, SagaStep.RemoteCompensation<D, R> compensation) {
            if (inTransaction) {
                throw new IllegalStateException("saga " + type + ": remote step " + key.name() + " cannot join a database transaction");
            }
            steps.add(new SagaStep<>(key, false, null, action, Optional.empty(), Optional.ofNullable(compensation), null, null));
            return this;
        }

        /**
         * Database steps that commit in one local transaction, in the order given: their work, their events and the
         * saga's advance past all of them are one commit, so a crash leaves all of them or none. When every part is
         * a {@link #sql} step the transaction is a single statement (one round trip): a part then reads what an
         * earlier part wrote through that part's common table expressions (its RETURNING rows), since the earlier
         * results are not known before the statement runs; CTE names must differ across the parts. With any
         * {@link #local} part the parts run one after the other on one connection, each seeing the results of those
         * before it. Each part stays a step of its own in the log, with its own compensation, run when a later step
         * fails. Mark the pivot after the transaction to make its last part the pivot.
         */
        public Builder<D> transaction(Consumer<Builder<D>> parts) {
            if (inTransaction) {
                throw new IllegalStateException("saga " + type + ": transactions do not nest");
            }
            int first = steps.size();
            inTransaction = true;
            try {
                parts.accept(this);
            } finally {
                inTransaction = false;
            }
            if (steps.size() == first) {
                throw new IllegalStateException("saga " + type + " has an empty transaction");
            }
            for (int i = first + 1; i < steps.size(); i++) {
                joined.add(i);
            }
            return this;
        }

        /** Makes the step added last commit in the transaction of the step before it (copies of definitions in tests). */
        Builder<D> joinPrevious() {
            int last = steps.size() - 1;
            if (last < 1 || !steps.get(last).local() || !steps.get(last - 1).local()) {
                throw new IllegalStateException("only a database step can join the transaction of a database step before it");
            }
            joined.add(last);
            return this;
        }

        /** Marks the step added last as the pivot: from its commit on, the saga only goes forward. */
        public Builder<D> pivot() {
            if (inTransaction) {
                throw new IllegalStateException("saga " + type + ": mark the pivot after its transaction");
            }
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
            for (SagaStep<D, ?> s : steps) {
                if (!names.add(s.name())) {
                    throw new IllegalStateException("saga " + type + " has two steps named " + s.name());
                }
            }
            if (steps.isEmpty()) {
                throw new IllegalStateException("saga " + type + " has no steps");
            }
            int n = steps.size();
            int[] start = new int[n];
            int[] end = new int[n];
            for (int i = 0; i < n; i++) {
                start[i] = joined.contains(i) ? start[i - 1] : i;
            }
            for (int i = n - 1; i >= 0; i--) {
                end[i] = i + 1 < n && joined.contains(i + 1) ? end[i + 1] : i;
            }
            return new SagaDefinition<>(type, dataType, steps, pivot, stepTimeout, start, end);
        }
    }
}
