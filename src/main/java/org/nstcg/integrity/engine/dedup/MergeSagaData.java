package org.nstcg.integrity.engine.dedup;

/**
 * What a merge saga works on, stored as JSON in the saga log so recovery can finish it anywhere.
 *
 * @param survivorId the user that stays
 * @param mergedId   the duplicate merged into it
 * @param actor      who merges (audited)
 * @param reason     why, or null
 * @param bulk       the bulk merge it is part of ({@link BulkMerges}), audited with it; null for a merge on its own (and in
 *                   sagas logged before bulk merges existed)
 */
public record MergeSagaData(long survivorId, long mergedId, String actor, String reason, java.util.UUID bulk) {
}
