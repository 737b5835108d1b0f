package org.nstcg.integrity.engine.dedup;

/**
 * Two users to merge: {@code duplicateId} into {@code survivorId}.
 */
public record MergePair(long survivorId, long duplicateId) {

    /** "user 12 into user 7". */
    public String label() {
        return "user " + duplicateId + " into user " + survivorId;
    }
}
