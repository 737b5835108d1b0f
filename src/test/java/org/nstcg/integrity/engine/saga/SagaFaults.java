package org.nstcg.integrity.engine.saga;

import java.util.concurrent.atomic.AtomicInteger;

/** {@link FaultInjection} for tests of other packages: saga definitions in which one step fails. */
public final class SagaFaults {

    private SagaFaults() {
    }

    /**
     * A copy of {@code original} without its pivot whose step {@code failing} fails once after its work, so that every
     * step before it (and it, when it is remote) is compensated.
     */
    public static <D> SagaDefinition<D> failingOnceWithoutPivot(SagaDefinition<D> original, int failing, String type) {
        return FaultInjection.failing(original, failing, true, new AtomicInteger(1), false, type);
    }
}
