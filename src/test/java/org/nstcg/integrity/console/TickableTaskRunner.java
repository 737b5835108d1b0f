package org.nstcg.integrity.console;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.nstcg.integrity.console.service.BackgroundWork;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.JavaFxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;

/**
 * The real {@link JavaFxTaskRunner} whose timers a UI test can also fire by hand: {@link #tick()} runs every active
 * timer once, as if its period had passed, so a test proves what the refresh timer does without sleeping for it
 * (the timers still run by themselves too; UI tests set {@code console.refresh=1h} so they never do).
 */
final class TickableTaskRunner implements FxTaskRunner {

    private final JavaFxTaskRunner real = new JavaFxTaskRunner();
    private final List<Runnable> timers = new CopyOnWriteArrayList<>();

    @Override
    public <T> TaskHandle run(BackgroundWork<T> work, Consumer<String> onProgress, Consumer<? super T> onSuccess,
                              Consumer<Throwable> onFailure) {
        return real.run(work, onProgress, onSuccess, onFailure);
    }

    @Override
    public void later(Runnable action) {
        real.later(action);
    }

    @Override
    public TaskHandle every(Duration period, Runnable action) {
        Runnable timer = action::run;
        timers.add(timer);
        TaskHandle handle = real.every(period, action);
        return () -> {
            timers.remove(timer);
            handle.cancel();
        };
    }

    /** Fires every active timer once; call on the FX thread. */
    void tick() {
        timers.forEach(Runnable::run);
    }

    @Override
    public void shutdown() {
        timers.clear();
        real.shutdown();
    }
}
