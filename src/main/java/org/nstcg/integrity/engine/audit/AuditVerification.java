package org.nstcg.integrity.engine.audit;

import java.util.Optional;

/**
 * The outcome of {@link AuditTrail#verify}: intact, or the first problem found (with the entry it concerns, when
 * there is one) and why; with the head's id and hash, which an operator can keep elsewhere ({@code audit anchor}) to
 * show later that nothing was cut from the end.
 *
 * @param sealedEntries entries whose seal was checked against the deployment's key
 * @param sealing whether the deployment has a registered audit key (false until a first instance registered one)
 * @param anchorsChecked anchors found to match
 */
public record AuditVerification(long entries, Optional<Long> firstBadId, Optional<String> problem, Optional<Long> headId,
                                Optional<String> headHash, long sealedEntries, boolean sealing, int anchorsChecked) {

    /** A verification of the chain alone (no seals, no anchors). */
    public AuditVerification(long entries, Optional<Long> firstBadId, Optional<String> problem, Optional<Long> headId,
                             Optional<String> headHash) {
        this(entries, firstBadId, problem, headId, headHash, 0, false, 0);
    }

    static AuditVerification broken(AuditStore.ChainCheck c, Optional<Long> at, String problem, long sealed, int anchors) {
        return new AuditVerification(c.entries(), at, Optional.of(problem), c.headId(), c.headHash(), sealed, true, anchors);
    }

    public boolean intact() {
        return firstBadId.isEmpty() && problem.isEmpty();
    }
}
