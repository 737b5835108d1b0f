package org.nstcg.integrity.engine.saga;

/** Where a saga stands. Finished: {@code COMPLETED}, {@code COMPENSATED}, {@code RESOLVED}. */
public enum SagaStatus {
    RUNNING, COMPLETED, COMPENSATING, COMPENSATED, FAILED_NEEDS_ATTENTION, RESOLVED;

    public boolean finished() {
        return this == COMPLETED || this == COMPENSATED || this == RESOLVED;
    }
}
