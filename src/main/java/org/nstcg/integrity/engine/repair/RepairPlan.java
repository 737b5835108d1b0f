package org.nstcg.integrity.engine.repair;

import java.util.List;

/**
 * What a repair changes: in a preview, what it would change now; after applying, what it changed.
 *
 * @param kind    the repair
 * @param changes the changes, at most {@link Repair#MAX_LISTED} of them
 * @param total   how many changes in all (may exceed the list)
 * @param applied whether they were applied (false: a dry run)
 */
public record RepairPlan(String kind, List<PlannedChange> changes, long total, boolean applied) {

    public boolean nothingToDo() {
        return total == 0;
    }
}
