package org.nstcg.integrity.engine.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One page of the audit trail, newest first.
 *
 * @param entries the page's entries
 * @param next    where the next (older) page starts, empty on the last page
 */
public record AuditPage(List<AuditEntry> entries, Optional<Cursor> next) {

    /** A position in the trail's order (time, then id, both descending); keyset paging. */
    public record Cursor(Instant occurredAt, long id) {
    }
}
