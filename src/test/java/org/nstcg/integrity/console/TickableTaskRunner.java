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
 * (the timers still run by themselves too; UI tests set {@code console.refresh=1h} so they never do). It also counts
 * the background work in flight, so a test can wait until every screen has its data ({@link #idle()}) instead of
 * waiting for the picture to stop changing.
 */
final class TickableTaskRunner implements FxTaskRunner {

    private final JavaFxTaskRunner real = new JavaFxTaskRunner();
    private final List<Runnable> timers = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public <T> TaskHandle run(BackgroundWork<T> work, Consumer<String> onProgress, Consumer<? super T> onSuccess,
                              Consumer<Throwable> onFailure) {
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        inFlight.incrementAndGet();
        // the count falls after the result is handed on, so work that result starts is counted before this ends
        TaskHandle handle = real.run(work, onProgress, value -> {
            try {
                onSuccess.accept(value);
            } finally {
                end.run();
            }
        }, failure -> {
            try {
                onFailure.accept(failure);
            } finally {
                end.run();
            }
        });
        return () -> {
            handle.cancel();
            end.run();
        };
    }

    /** Whether no background work started through this runner is still running or has yet to hand on its result. */
    boolean idle() {
        return inFlight.get() == 0;
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
