package org.nstcg.integrity.engine.saga;

import java.time.Duration;

/**
 * Timing of sagas.
 *
 * @param lease             how long an instance owns a saga without touching it; after that recovery may take it
 * @param maxAttempts       attempts of a failing compensation (or of a step after the pivot) before an operator is needed
 * @param backoffBase       first pause between attempts; doubles each time
 * @param backoffMax        longest pause between attempts
 * @param recoveryInterval  how often recovery looks for sagas whose owner's lease expired
 * @param recoveryBatch     how many sagas one recovery pass takes at most
 */
public record SagaSettings(Duration lease, int maxAttempts, Duration backoffBase, Duration backoffMax,
                           Duration recoveryInterval, int recoveryBatch) {

    public static SagaSettings defaults() {
        return new SagaSettings(Duration.ofSeconds(30), 5, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10), 100);
    }

    public SagaSettings withLease(Duration newLease) {
        return new SagaSettings(newLease, maxAttempts, backoffBase, backoffMax, recoveryInterval, recoveryBatch);
    }

    public SagaSettings withRecoveryInterval(Duration interval) {
        return new SagaSettings(lease, maxAttempts, backoffBase, backoffMax, interval, recoveryBatch);
    }

    public SagaSettings withBackoff(Duration base, Duration max) {
        return new SagaSettings(lease, maxAttempts, base, max, recoveryInterval, recoveryBatch);
    }

    /** Pause before attempt {@code attempt + 1} (attempt ≥ 1): exponential, capped. */
    public Duration backoff(int attempt) {
        long ms = backoffBase.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
    }
}
