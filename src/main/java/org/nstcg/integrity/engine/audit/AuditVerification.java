package org.nstcg.integrity.engine.audit;

import java.util.Optional;

/**
 * The outcome of {@link org.nstcg.integrity.engine.lookup.AuditReader#verify}: intact, or the first entry where the chain breaks and why; with the
 * head's id and hash, which an operator can keep elsewhere to show later that nothing was cut from the end.
 */
public record AuditVerification(long entries, Optional<Long> firstBadId, Optional<String> problem, Optional<Long> headId,
                                Optional<String> headHash) {

    public boolean intact() {
        return firstBadId.isEmpty();
    }
}
