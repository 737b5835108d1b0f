package org.nstcg.integrity.console.service;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one way the console leaves the FX thread. View-models hand it engine calls; it runs them in the background
 * and delivers progress, result and failure back on the FX thread. Periodic refreshes are scheduled here too, so a
 * test can replace all of it with {@link SynchronousTaskRunner} and drive time by hand.
 *
 * <p>Implementations: {@link JavaFxTaskRunner} (a {@code javafx.concurrent.Task} per call on a small daemon pool,
 * a {@code Timeline} per timer) and {@link SynchronousTaskRunner} (everything on the calling thread).
 */
public interface FxTaskRunner {

    /**
     * Runs work in the background.
     *
     * @param work       the work; must not touch the scene graph
     * @param onProgress receives each progress message, on the FX thread
     * @param onSuccess  receives the result, on the FX thread
     * @param onFailure  receives what the work threw, on the FX thread
     */
    <T> TaskHandle run(BackgroundWork<T> work, Consumer<String> onProgress, Consumer<? super T> onSuccess,
                       Consumer<Throwable> onFailure);

    /** Runs work that reports no progress in the background. */
    default <T> TaskHandle run(BackgroundWork<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        return run(work, message -> { }, onSuccess, onFailure);
    }

    /** Runs {@code action} on the FX thread soon; callable from any thread (e.g. an engine listener's). */
    void later(Runnable action);

    /** Runs {@code action} on the FX thread every {@code period}, first after one period, until the handle is cancelled. */
    TaskHandle every(Duration period, Runnable action);

    /** Stops accepting work, cancels timers and waits briefly for running work to end. */
    void shutdown();
}
