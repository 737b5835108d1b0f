package org.nstcg.integrity.engine.saga;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * How a saga run ended, as seen by its caller.
 *
 * <p>Design notes: callers tell the cases apart with {@link #match}, which takes one function per case, so a case
 * added here fails to compile wherever outcomes are read instead of falling into an {@code else}.
 */
public sealed interface SagaOutcome {

    UUID sagaId();

    /** The value of the function for this case. */
    <T> T match(Function<? super Completed, ? extends T> completed, Function<? super Compensated, ? extends T> compensated,
                Function<? super NeedsAttention, ? extends T> needsAttention, Function<? super TakenOver, ? extends T> takenOver);

    /** Every step ran; {@code results} holds each step's result, typed by its {@link StepKey}. */
    record Completed(UUID sagaId, StepResults results) implements SagaOutcome {
        @Override
        public <T> T match(Function<? super Completed, ? extends T> completed, Function<? super Compensated, ? extends T> compensated,
                           Function<? super NeedsAttention, ? extends T> needsAttention, Function<? super TakenOver, ? extends T> takenOver) {
            return completed.apply(this);
        }
    }

    /**
     * A step refused for a business reason ({@link SagaRejection}).
     *
     * @param reason the saga's own reason
     * @param detail the refusal's sentence, as the step gave it
     */
    record Refusal(SagaRejection.Reason reason, String detail) {
    }

    /**
     * A step failed or refused and every earlier step was undone.
     *
     * @param rejection the refusal when a step refused ({@link SagaRejection}), empty for a fault
     * @param logged    false when the first step refused before anything was done: such a saga is not logged
     */
    record Compensated(UUID sagaId, String failedStep, Optional<Refusal> rejection, String message, boolean logged)
            implements SagaOutcome {

        /** The refusal's reason when a step refused with a reason of type {@code type} (the saga's own enum). */
        public <E extends Enum<E> & SagaRejection.Reason> Optional<E> rejection(Class<E> type) {
            return rejection.map(Refusal::reason).filter(type::isInstance).map(type::cast);
        }

        @Override
        public <T> T match(Function<? super Completed, ? extends T> completed, Function<? super Compensated, ? extends T> compensated,
                           Function<? super NeedsAttention, ? extends T> needsAttention, Function<? super TakenOver, ? extends T> takenOver) {
            return compensated.apply(this);
        }
    }

    /** A compensation (or a step after the pivot) kept failing: an operator must act. Alerted. */
    record NeedsAttention(UUID sagaId, String step, String message) implements SagaOutcome {
        @Override
        public <T> T match(Function<? super Completed, ? extends T> completed, Function<? super Compensated, ? extends T> compensated,
                           Function<? super NeedsAttention, ? extends T> needsAttention, Function<? super TakenOver, ? extends T> takenOver) {
            return needsAttention.apply(this);
        }
    }

    /** Another instance took the saga over (our lease had expired); it will finish it. */
    record TakenOver(UUID sagaId) implements SagaOutcome {
        @Override
        public <T> T match(Function<? super Completed, ? extends T> completed, Function<? super Compensated, ? extends T> compensated,
                           Function<? super NeedsAttention, ? extends T> needsAttention, Function<? super TakenOver, ? extends T> takenOver) {
            return takenOver.apply(this);
        }
    }
}
