package org.nstcg.integrity.console.viewmodel.sagas;

import org.nstcg.integrity.engine.saga.SagaStatus;

/** How a saga status or timeline entry reads at a glance; the view maps each to a style class. */
public enum SagaTone {
    /** Finished well: completed, a step done. */
    SUCCESS,
    /** Under way: running, rolling back, a step being undone. */
    ACTIVE,
    /** Undone or handled: rolled back, resolved. */
    NEUTRAL,
    /** Failed: a step or undo failed, needs attention. */
    DANGER,
    /** An operator acted. */
    MANUAL;

    static SagaTone of(SagaStatus status) {
        return switch (status) {
            case COMPLETED -> SUCCESS;
            case RUNNING, COMPENSATING -> ACTIVE;
            case COMPENSATED, RESOLVED -> NEUTRAL;
            case FAILED_NEEDS_ATTENTION -> DANGER;
        };
    }
}
