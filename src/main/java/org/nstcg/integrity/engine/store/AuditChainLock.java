package org.nstcg.integrity.engine.store;

/**
 * The audit chain's transaction-scoped advisory lock, which {@code audit_append} (V5) takes before it links an entry,
 * taken ahead of an action that happens outside PostgreSQL (a cache invalidation in Redis): once it is held, the
 * action's own entry, appended later in the same transaction, cannot wait for another session, so a trail that cannot be
 * written stops the action before it starts instead of leaving it unaudited. The expression must stay the one in
 * {@code audit_append}; CacheAdministrationIT fails if they drift apart.
 */
public final class AuditChainLock {

    private AuditChainLock() {
    }

    /**
     * Waits (at most {@code db.lock-timeout}) for the audit chain's lock in {@code tx}'s transaction and holds it until
     * the transaction ends.
     *
     * @throws StoreException with SQL state 55P03 when another session holds it for longer than the lock timeout
     */
    public static void await(Tx tx) {
        tx.single("SELECT pg_advisory_xact_lock(hashtext('integrity.audit_log.' || current_schema()))", r -> true);
    }
}
