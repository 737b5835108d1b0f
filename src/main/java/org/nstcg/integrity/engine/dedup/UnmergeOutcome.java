package org.nstcg.integrity.engine.dedup;

/** How an unmerge request ended. */
public sealed interface UnmergeOutcome {

    /** The merge was undone: the user is active again with what it had. */
    record Unmerged(long mergeId, long userId, long survivorId, int pointsReturned, int referralsReturned, int codesReturned)
            implements UnmergeOutcome {
    }

    /** Refused; nothing changed. */
    record Refused(String reason) implements UnmergeOutcome {
    }
}
