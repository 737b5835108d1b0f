package org.nstcg.integrity.engine.dedup;

/**
 * What a merge saga works on, stored as JSON in the saga log so recovery can finish it anywhere.
 *
 * @param survivorId the user that stays
 * @param mergedId   the duplicate merged into it
 * @param actor      who merges (audited)
 * @param reason     why, or null
 */
public record MergeSagaData(long survivorId, long mergedId, String actor, String reason) {
}
