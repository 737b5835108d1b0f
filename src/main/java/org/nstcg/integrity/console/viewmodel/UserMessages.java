package org.nstcg.integrity.console.viewmodel;

import org.nstcg.integrity.engine.support.EngineException;
import org.slf4j.Logger;

/**
 * Turns a failure into the sentence a screen shows. Engine and configuration failures already are sentences that
 * say what to fix; anything else is a bug, so the screen gets a generic sentence and the log gets the stack trace.
 */
public final class UserMessages {

    /** Shown for failures the engine did not describe. */
    public static final String UNEXPECTED = "An unexpected problem occurred. Details are in the log file; please report it.";

    private UserMessages() {
    }

    /**
     * @param failure what went wrong
     * @param doing   what was being done, for the log ("refreshing the overview figures")
     * @param log     the caller's logger
     */
    public static String describe(Throwable failure, String doing, Logger log) {
        if (failure instanceof EngineException && failure.getMessage() != null) {
            log.warn("Failed {}: {}", doing, failure.getMessage());
            return failure.getMessage();
        }
        log.error("Unexpected failure {}", doing, failure);
        return UNEXPECTED;
    }
}
