package org.nstcg.integrity.console.viewmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Newer/older paging over a keyset-paged engine list (newest first): the cursor each visited page started at, so
 * Newer goes back without OFFSET, and the "Sagas 51–100 · page 2" line ("Sagas 101–109 of 109 · page 3" on the last).
 *
 * @param <C> the engine's cursor type
 */
public final class KeysetPager<C> {

    private final int pageSize;
    private final String one;
    private final String many;
    private final List<Optional<C>> starts = new ArrayList<>(List.of(Optional.empty()));
    private Optional<C> next = Optional.empty();
    private final ReadOnlyBooleanWrapper hasNext = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper hasPrevious = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper("");

    /**
     * @param one  the noun for one row ("saga")
     * @param many the noun for several ("sagas")
     */
    public KeysetPager(int pageSize, String one, String many) {
        this.pageSize = pageSize;
        this.one = one;
        this.many = many;
    }

    /** Where the page to read starts (empty: the newest). */
    public Optional<C> start() {
        return starts.get(starts.size() - 1);
    }

    /** Back to the first page, e.g. after the filter changed. */
    public void reset() {
        starts.subList(1, starts.size()).clear();
    }

    /** Moves to the next (older) page; false when there is none. */
    public boolean older() {
        if (next.isEmpty()) {
            return false;
        }
        starts.add(next);
        return true;
    }

    /** Moves to the previous (newer) page; false on the first page. */
    public boolean newer() {
        if (starts.size() <= 1) {
            return false;
        }
        starts.remove(starts.size() - 1);
        return true;
    }

    /** Moves to the first (newest) page; false when already there. */
    public boolean newest() {
        if (starts.size() <= 1) {
            return false;
        }
        reset();
        return true;
    }

    /** The current page was read: {@code rows} rows, and where the next page starts, if there is one. */
    public void shown(int rows, Optional<C> nextStart) {
        next = nextStart;
        hasNext.set(nextStart.isPresent());
        hasPrevious.set(starts.size() > 1);
        text.set(describe(starts.size(), rows, nextStart.isPresent()));
    }

    /**
     * "Sagas 1–50 · page 1" while older pages follow; on the last page the total is known: "Sagas 51–55 of 55 ·
     * page 2", "Saga 1 of 1"; "No sagas" when there is none.
     */
    String describe(int number, int rows, boolean more) {
        String page = number > 1 ? " · page " + number : "";
        if (rows == 0) {
            return "No " + many + (number > 1 ? " on page " + number : "");
        }
        long first = (long) (number - 1) * pageSize + 1;
        long last = first + rows - 1;
        String span = rows == 1 ? capitalized(one) + " " + DisplayFormats.count(first)
                : capitalized(many) + " " + DisplayFormats.count(first) + "–" + DisplayFormats.count(last);
        return more ? span + " · page " + number : span + " of " + DisplayFormats.count(last) + page;
    }

    private static String capitalized(String noun) {
        return noun.isEmpty() ? noun : Character.toUpperCase(noun.charAt(0)) + noun.substring(1);
    }

    public ReadOnlyBooleanProperty hasNextProperty() {
        return hasNext.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasPreviousProperty() {
        return hasPrevious.getReadOnlyProperty();
    }

    /** "Sagas 51–100 · page 2"; on the last page with the total, "Sagas 101–109 of 109 · page 3". */
    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }
}
