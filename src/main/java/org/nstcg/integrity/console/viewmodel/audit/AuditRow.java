package org.nstcg.integrity.console.viewmodel.audit;

/**
 * One audit entry as a table row, in display strings.
 *
 * @param id      position in the chain
 * @param when    time in the user's zone
 * @param actor   who
 * @param action  what, e.g. {@code saga.retry}
 * @param target  "saga 93c1…", or empty
 * @param details the reason, note or summary, on one line
 */
public record AuditRow(long id, String when, String actor, String action, String target, String details) {
}
