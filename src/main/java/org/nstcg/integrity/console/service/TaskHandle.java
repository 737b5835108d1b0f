package org.nstcg.integrity.console.service;

/** A handle on work or a timer started by an {@link FxTaskRunner}. */
@FunctionalInterface
public interface TaskHandle {

    /** A handle for work that already finished; cancelling it does nothing. */
    TaskHandle DONE = () -> { };

    /** Cancels the work if it has not finished, or stops the timer. Safe to call more than once. */
    void cancel();
}
