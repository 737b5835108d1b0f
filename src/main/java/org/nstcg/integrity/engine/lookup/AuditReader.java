package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.audit.AuditTrail;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads and verifies the audit trail that {@link AuditTrail} writes, for an actor who may read it
 * ({@link Permission#VIEW_AUDIT}): the faces' only way to the trail.
 *
 * <p>Design notes: a read model like the user look-up, so it lives here and not in {@code engine.audit}: accounts
 * write audit entries and the reader checks an account's permission, so with both in one place {@code account} and
 * {@code audit} depended on each other (ArchitectureTest keeps engine slices free of cycles). The statements are
 * {@link AuditLookupStore}'s.
 */
public final class AuditReader {

    private final Jdbc jdbc;
    private final AuditLookupStore store;

    public AuditReader(Jdbc jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.store = new AuditLookupStore(json);
    }

    /**
     * Recomputes every entry's hash and checks every link, in one pass in the database.
     *
     * @return intact, or the first tampered or missing entry
     */
    public AuditVerification verify(Actor by) {
        by.authorize(Permission.VIEW_AUDIT);
        AuditLookupStore.ChainCheck c = read(tx -> store.verify(tx, AuditTrail.GENESIS));
        Optional<String> problem = c.breakKind().map(kind -> kind.equals("changed")
                ? "its content no longer matches its hash: it was changed after it was written"
                : "it does not link to the entry before it: an entry before it was removed, inserted or changed");
        return new AuditVerification(c.entries(), c.firstBroken(), problem, c.headId(), c.headHash());
    }

    /**
     * A page of entries matching {@code query}, newest first, starting after {@code after}. Keyset-paged over
     * {@code (occurred_at, id)}, so that the actor, action, target and time filters each read through an index and
     * any page of millions of entries costs the same; a text search reads newest first and stops at the page.
     *
     * @param size entries per page, 1 to 1,000
     * @throws EngineException when PostgreSQL cannot be read
     */
    public AuditPage page(Actor by, AuditQuery query, Optional<AuditPage.Cursor> after, int size) {
        by.authorize(Permission.VIEW_AUDIT);
        if (size < 1 || size > 1000) {
            throw new IllegalArgumentException("a page holds 1 to 1000 entries, not " + size);
        }
        // One entry more than the page: whether there is a next page.
        List<AuditEntry> rows = read(tx -> store.page(tx, query, after, size + 1));
        if (rows.size() <= size) {
            return new AuditPage(rows, Optional.empty());
        }
        List<AuditEntry> page = List.copyOf(rows.subList(0, size));
        AuditEntry last = page.get(size - 1);
        return new AuditPage(page, Optional.of(new AuditPage.Cursor(last.occurredAt(), last.id())));
    }

    /**
     * The entry at position {@code id} of the chain, if there is one.
     *
     * @throws EngineException when PostgreSQL cannot be read
     */
    public Optional<AuditEntry> entry(Actor by, long id) {
        by.authorize(Permission.VIEW_AUDIT);
        return read(tx -> store.entry(tx, id));
    }

    /** Entries newest first, optionally only one actor's, one action's, or one target's. */
    public List<AuditEntry> list(Actor by, Optional<String> actor, Optional<String> action, Optional<String> targetId,
                                 Optional<Instant> since, int limit) {
        by.authorize(Permission.VIEW_AUDIT);
        return read(tx -> store.list(tx, actor, action, targetId, since, Math.max(1, Math.min(limit, 100_000))));
    }

    /** Runs a read of the trail; a failure reads "Cannot read the audit trail in PostgreSQL (reason)." */
    private <T> T read(Jdbc.Work<T> work) {
        return jdbc.read("read the audit trail", work);
    }
}
