package org.nstcg.integrity.engine.support;

import java.time.Instant;

/**
 * Something an operator must see: a saga that needs attention, a threshold crossed.
 *
 * @param severity "warning" or "critical"
 * @param source   what raised it, e.g. "saga" or "saga.rollback-rate"
 * @param subject  what it is about, e.g. a saga id
 * @param message  a sentence saying what is wrong and what to do
 */
public record Alert(String severity, String source, String subject, String message, Instant at) {
}
