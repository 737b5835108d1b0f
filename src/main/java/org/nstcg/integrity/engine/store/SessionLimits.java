package org.nstcg.integrity.engine.store;

import java.time.Duration;

/**
 * How long a pooled connection's work may take: every statement is cut off at {@code statementTimeout}, a wait for a
 * lock another session holds at {@code lockTimeout}, and a server that stops answering is given up after the statement
 * timeout and a margin (the driver's socket timeout), so no engine call hangs for as long as someone else holds a lock.
 *
 * @param statementTimeout {@code db.statement-timeout}
 * @param lockTimeout      {@code db.lock-timeout}
 */
public record SessionLimits(Duration statementTimeout, Duration lockTimeout) {

    /** The defaults of {@code db.statement-timeout} and {@code db.lock-timeout}. */
    public static final SessionLimits DEFAULTS = new SessionLimits(Duration.ofMinutes(10), Duration.ofSeconds(30));

    /** How much longer than the statement timeout the driver waits for an answer before it gives the connection up. */
    static final Duration SOCKET_MARGIN = Duration.ofSeconds(30);

    public SessionLimits {
        if (statementTimeout.toMillis() < 1 || lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeouts of at least 1 ms, not " + statementTimeout + " and " + lockTimeout);
        }
    }

    /** The driver's {@code socketTimeout}, in whole seconds: the statement timeout plus {@link #SOCKET_MARGIN}. */
    int socketTimeoutSeconds() {
        return (int) Math.min(Integer.MAX_VALUE, (statementTimeout.plus(SOCKET_MARGIN).toMillis() + 999) / 1000);
    }

    /** The session settings every pooled connection starts with. */
    String sessionSql() {
        return "SET statement_timeout = '" + statementTimeout.toMillis() + "ms'; SET lock_timeout = '" + lockTimeout.toMillis() + "ms'";
    }
}
