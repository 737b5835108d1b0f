package org.nstcg.integrity.engine.config;

import java.time.Duration;

/**
 * At most {@code permits} requests per {@code window} for one subject (a client address, a mailbox): the
 * {@code <n>/<duration>} of {@code api.rate-limit-ip} and {@code api.rate-limit-mailbox}. The window starts with a
 * subject's first request and the allowance comes back whole at its end (a fixed window per subject).
 */
public record RateLimit(int permits, Duration window) {

    public RateLimit {
        if (permits < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs at least 1 permit and a positive window");
        }
    }

    /** "30/1m". */
    @Override
    public String toString() {
        long s = window.toSeconds();
        String w = window.toMillis() % 1000 != 0 ? window.toMillis() + "ms"
                : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        return permits + "/" + w;
    }
}
