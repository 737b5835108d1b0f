package org.nstcg.integrity.console.viewmodel.duplicates;

import java.util.List;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;

/** The reads the Duplicates screen makes (the wiring checks the permission on each). */
public interface DuplicatesSource {

    /** The duplicate findings of the latest integrity check run. */
    DuplicateAlerts.Report alerts();

    /** Whether the signed-in user may apply repairs (and so fold a held legacy row in); support may not. */
    default boolean mayApplyRepairs() {
        return false;
    }

    /** A page of exact duplicates (the same mailbox). */
    List<DuplicateCandidate> exact(int offset, int limit);

    /** A page of likely duplicates, best first. */
    List<DuplicateCandidate> likely(int offset, int limit);
}
