package org.nstcg.integrity.engine.saga;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Saga health figures.
 *
 * @param rollbackRates  per window (5 min, 1 h, 24 h): finished sagas and the share compensated
 * @param durations      per saga type: completed sagas' duration percentiles over the last 24 h
 * @param needsAttention sagas in FAILED_NEEDS_ATTENTION now
 * @param stuck          unfinished sagas whose owner's lease has expired (recovery has not taken them yet)
 */
public record SagaMetrics(List<RollbackRate> rollbackRates, Map<String, Durations> durations, long needsAttention, long stuck) {

    /** Alert above this share of compensated sagas (the PRD's 1%). */
    public static final double ROLLBACK_ALERT_THRESHOLD = 0.01;
    /** Too few sagas make a rate meaningless. */
    public static final long MIN_SAMPLE = 20;

    public record RollbackRate(Duration window, long finished, long compensated) {
        public double rate() {
            return finished == 0 ? 0 : (double) compensated / finished;
        }

        public boolean alarming() {
            return finished >= MIN_SAMPLE && rate() > ROLLBACK_ALERT_THRESHOLD;
        }
    }

    public record Durations(long count, double p50Millis, double p95Millis, double p99Millis) {
    }
}
