package org.nstcg.integrity.engine.support;

/**
 * Receives progress from long engine work. Plain Java so the engine stays free of JavaFX; the console binds it
 * to progress bars and the CLI prints it.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every report. */
    ProgressListener NONE = (message, done, total) -> { };

    /**
     * @param message what is happening now, as a sentence for a person
     * @param done    units finished so far, or -1 when unknown
     * @param total   units in all, or -1 when unknown
     */
    void progress(String message, long done, long total);

    default void step(String message) {
        progress(message, -1, -1);
    }
}
