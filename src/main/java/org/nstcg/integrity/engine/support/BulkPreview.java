package org.nstcg.integrity.engine.support;

import java.util.List;

/**
 * What a bulk action (retry or resolve many sagas, merge many duplicates) would do, item by item, before anything
 * runs. Items it would not act on stay listed, with why, so that the preview and the run's report read alike.
 *
 * @param action    what the action does to each item, as a verb phrase ("retry", "resolve", "merge")
 * @param items     every item considered, in the order the run takes them
 * @param truncated true when more items matched than a bulk action takes ({@link #MAX_ITEMS}); the run does only these
 * @param <K>       what identifies an item (a saga id, a pair of users)
 */
public record BulkPreview<K>(String action, List<Item<K>> items, boolean truncated) {

    /** The most items one bulk action takes: a larger selection is narrowed by its filter first. */
    public static final int MAX_ITEMS = 1000;

    public BulkPreview {
        items = List.copyOf(items);
    }

    /**
     * One item.
     *
     * @param key        what the run is given back
     * @param label      the item for a person ("saga 3f2c… (registration, ada@example.org)")
     * @param plan       what the run would do to it, or why it would leave it alone
     * @param applicable whether the run would act on it
     */
    public record Item<K>(K key, String label, String plan, boolean applicable) {
    }

    /** The items the run would act on. */
    public List<Item<K>> applicable() {
        return items.stream().filter(Item::applicable).toList();
    }

    /** The keys of {@link #applicable()}, for the run. */
    public List<K> keys() {
        return applicable().stream().map(Item::key).toList();
    }
}
