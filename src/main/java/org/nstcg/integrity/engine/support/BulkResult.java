package org.nstcg.integrity.engine.support;

import java.util.List;
import java.util.UUID;

/**
 * What a bulk action did, item by item: each item was done, skipped (it changed since the preview, so the action no
 * longer applies), failed, or not run (the action was cancelled first). Every item done has its own audit entry,
 * which names {@link #bulkId()} so that the audit trail shows which entries belong together.
 *
 * @param bulkId    this run's id, recorded with each item's audit entry
 * @param action    the action's verb phrase ("retry", "resolve", "merge")
 * @param items     every item given, in the order taken
 * @param cancelled true when the run was cancelled before its last item
 * @param <K>       what identifies an item
 */
public record BulkResult<K>(UUID bulkId, String action, List<Item<K>> items, boolean cancelled) {

    public BulkResult {
        items = List.copyOf(items);
    }

    /** How one item ended. */
    public enum Outcome { DONE, SKIPPED, FAILED, NOT_RUN }

    /**
     * One item's ending.
     *
     * @param why what happened, as a phrase for a person ("rolled back", "is now resolved; someone acted on it since the preview")
     */
    public record Item<K>(K key, String label, Outcome outcome, String why) {
    }

    /** The items that ended as {@code outcome}. */
    public List<Item<K>> with(Outcome outcome) {
        return items.stream().filter(i -> i.outcome() == outcome).toList();
    }

    public int count(Outcome outcome) {
        return with(outcome).size();
    }

    /** Whether every item was done. */
    public boolean allDone() {
        return count(Outcome.DONE) == items.size();
    }
}
