package org.nstcg.integrity.engine.limit;

import java.time.Duration;

/** Whether one more request fits a {@link RateLimit}. */
public sealed interface RateDecision {

    /** It fits, and was counted. */
    record Allowed() implements RateDecision {
    }

    /** It does not; the subject may try again after {@code retryAfter}. Nothing was counted. */
    record Limited(Duration retryAfter) implements RateDecision {
        /** Whole seconds, at least 1: the {@code Retry-After} header's value. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    RateDecision ALLOWED = new Allowed();
}
