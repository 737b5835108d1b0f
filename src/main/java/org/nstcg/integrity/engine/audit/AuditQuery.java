package org.nstcg.integrity.engine.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries to browse. Empty parts match all.
 *
 * @param actor  exactly this actor
 * @param action this action ({@code saga.retry}) or, ending in {@code *}, every action it starts ({@code saga.*})
 * @param target this target id (a saga id, a user id…)
 * @param text   a piece of the details or of the target id, in any case
 * @param from   entries at or after this time
 * @param to     entries before this time
 */
public record AuditQuery(Optional<String> actor, Optional<String> action, Optional<String> target, Optional<String> text,
                         Optional<Instant> from, Optional<Instant> to) {

    /** Every entry. */
    public static final AuditQuery ALL = new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());
}
