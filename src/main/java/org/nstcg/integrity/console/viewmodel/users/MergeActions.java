package org.nstcg.integrity.console.viewmodel.users;

import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;

/**
 * The merge calls the Users and Duplicates screens make. The console's wiring checks the signed-in user's
 * permission on every call and passes their name to the engine as the audited actor.
 */
public interface MergeActions {

    /** Whether the signed-in user's role may merge and unmerge: whether the screens offer it at all. */
    boolean allowed();

    /** What merging would change; writes nothing. */
    MergeOutcome preview(long survivorId, long duplicateId);

    MergeOutcome merge(long survivorId, long duplicateId, String reason);

    UnmergeOutcome unmerge(long userId, String reason);
}
