package org.nstcg.integrity.engine.saga;

import java.time.Instant;
import java.util.Optional;

/**
 * Which sagas to browse: by status, type and start time (from inclusive, to exclusive). Empty parts match all.
 */
public record SagaQuery(Optional<SagaStatus> status, Optional<String> type, Optional<Instant> from, Optional<Instant> to) {

    /** Every saga. */
    public static final SagaQuery ALL = new SagaQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
}
