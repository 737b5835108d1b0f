package org.nstcg.integrity.console.viewmodel.sagas;

import java.util.Optional;
import org.nstcg.integrity.engine.saga.SagaStatus;

/** The status filter of the sagas screen, in the order an operator looks for them. */
public enum StatusFilter {
    ALL("All statuses", null),
    NEEDS_ATTENTION("Needs attention", SagaStatus.FAILED_NEEDS_ATTENTION),
    COMPENSATED("Rolled back", SagaStatus.COMPENSATED),
    COMPENSATING("Rolling back", SagaStatus.COMPENSATING),
    RUNNING("Running", SagaStatus.RUNNING),
    RESOLVED("Resolved by hand", SagaStatus.RESOLVED),
    COMPLETED("Completed", SagaStatus.COMPLETED);

    private final String title;
    private final SagaStatus status;

    StatusFilter(String title, SagaStatus status) {
        this.title = title;
        this.status = status;
    }

    Optional<SagaStatus> status() {
        return Optional.ofNullable(status);
    }

    /** The words the screen uses for a status. */
    static String title(SagaStatus status) {
        for (StatusFilter f : values()) {
            if (f.status == status) {
                return f.title;
            }
        }
        return status.name();
    }

    @Override
    public String toString() {
        return title;
    }
}
