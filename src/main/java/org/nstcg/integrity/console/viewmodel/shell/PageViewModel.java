package org.nstcg.integrity.console.viewmodel.shell;

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
}
