package org.nstcg.integrity.engine.audit;

import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL that appends to the audit trail ({@code audit_log}), in the caller's {@link Tx}: which transaction an entry
 * joins is {@link AuditTrail}'s.
 */
final class AuditStore {

    /**
     * Appends {@code event} through {@code audit_append} (V5), which takes the chain's transaction-scoped advisory
     * lock, hashes the entry with the previous one and inserts it; returns its id.
     */
    long append(Tx tx, AuditEvent event) {
        return tx.singleLong("SELECT audit_append(?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)",
                event.actor(), event.action(), event.targetType(), event.targetId(),
                event.before() == null ? null : event.before().toString(),
                event.after() == null ? null : event.after().toString(), event.details());
    }
}
