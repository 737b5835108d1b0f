package org.nstcg.integrity.console.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The synchronous twin of {@link JavaFxTaskRunner}, for tests: work runs at once on the calling thread, and timers
 * fire only when the test calls {@link #tick()}. View-models behave the same under both, minus the threads.
 */
public final class SynchronousTaskRunner implements FxTaskRunner {

    private final List<Runnable> timers = new CopyOnWriteArrayList<>();

    @Override
    public <T> TaskHandle run(BackgroundWork<T> work, Consumer<String> onProgress, Consumer<? super T> onSuccess,
                              Consumer<Throwable> onFailure) {
        T result;
        try {
            result = work.call((message, done, total) -> onProgress.accept(message));
        } catch (Exception e) {
            onFailure.accept(e);
            return TaskHandle.DONE;
        }
        onSuccess.accept(result);
        return TaskHandle.DONE;
    }

    @Override
    public void later(Runnable action) {
        action.run();
    }

    @Override
    public TaskHandle every(Duration period, Runnable action) {
        Runnable timer = action::run;
        timers.add(timer);
        return () -> timers.remove(timer);
    }

    /** Fires every active timer once, as if one period had passed. */
    public void tick() {
        timers.forEach(Runnable::run);
    }

    /** How many timers are active. */
    public int activeTimers() {
        return timers.size();
    }

    @Override
    public void shutdown() {
        timers.clear();
    }
}
