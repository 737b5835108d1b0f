package org.nstcg.integrity.engine.dedup;

import java.util.UUID;

/** How a merge request ended. */
public sealed interface MergeOutcome {

    /** Dry run: what the merge would do; nothing was written. */
    record Previewed(MergePlan plan) implements MergeOutcome {
    }

    /** Merged: {@code mergeId} can be undone with unmerge. */
    record Merged(long mergeId, UUID sagaId, MergePlan plan) implements MergeOutcome {
    }

    /** Refused before anything changed: unknown user, the same user twice, a user not active… */
    record Refused(String reason) implements MergeOutcome {
    }

    /** A step failed and everything done was undone; nothing changed. */
    record RolledBack(UUID sagaId, String message) implements MergeOutcome {
    }

    /** The saga needs an operator (see {@code sagas show}), or another instance is finishing it. */
    record Unfinished(UUID sagaId, String message) implements MergeOutcome {
    }
}
