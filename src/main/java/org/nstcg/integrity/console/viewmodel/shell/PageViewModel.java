package org.nstcg.integrity.console.viewmodel.shell;

import org.nstcg.integrity.engine.support.DeepLink;

/**
 * A screen's view-model as the shell drives it: activated while the screen is shown (live refreshes run only then),
 * deactivated when another screen is chosen or the shell closes, refreshed on F5.
 */
public interface PageViewModel {

    /** The screen is shown: load and start live refreshes. */
    default void activate() {
    }

    /** The screen is hidden or the shell closes: stop live refreshes (running work may finish). */
    default void deactivate() {
    }

    /** F5: read again now. */
    default void refresh() {
    }

    /**
     * Shows the item a deep link names (the shell calls it on the screen for the link's kind, once it is shown): selects it,
     * or says on the screen that it was not found.
     */
    default void open(DeepLink link) {
    }
}
