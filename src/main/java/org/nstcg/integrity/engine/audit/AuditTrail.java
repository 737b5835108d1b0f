package org.nstcg.integrity.engine.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * The tamper-evident audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE), each entry
 * hashed together with the previous entry's hash, so that changing, removing or inserting an entry anywhere breaks
 * the chain from there on. {@link org.nstcg.integrity.engine.lookup.AuditReader#verify} finds the first entry where it breaks. This class writes;
 * {@link org.nstcg.integrity.engine.lookup.AuditReader} reads, for whoever may read the trail.
 *
 * <p>Design notes: appending and hashing happen in the database ({@code audit_append}, V5) under a
 * transaction-scoped advisory lock, so entries from any number of instances form one chain, and an entry written
 * in the transaction of the action it records commits (or vanishes) with it. The chain cannot show that entries
 * were cut from its end; {@link org.nstcg.integrity.engine.lookup.AuditReader#verify} reports the head's id and hash so an operator can keep it elsewhere.
 * The statement is {@link AuditStore}'s.
 */
public final class AuditTrail {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private final Jdbc jdbc;
    private final AuditStore store = new AuditStore();
    private final ObjectMapper json;

    public AuditTrail(Jdbc jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records {@code event} in the caller's transaction (it commits or rolls back with the action); returns its id. */
    public long record(Tx tx, AuditEvent event) {
        return store.append(tx, event);
    }

    /**
     * Records {@code event} in a transaction of its own (for actions outside PostgreSQL, such as a cache rebuild).
     *
     * @throws EngineException when PostgreSQL cannot record it
     */
    public long record(AuditEvent event) {
        return jdbc.read("record '" + event.action() + "' in the audit trail", tx -> record(tx, event));
    }
}
