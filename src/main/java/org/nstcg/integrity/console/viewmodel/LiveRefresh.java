package org.nstcg.integrity.console.viewmodel;

import java.time.Duration;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import org.nstcg.integrity.console.service.BackgroundWork;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;

/**
 * Keeps something on screen live: reads it through the {@link FxTaskRunner} now, on demand and every period while
 * active, and never starts a read while one is under way (a slow server must not pile up reads).
 *
 * @param <T> what is read
 */
public final class LiveRefresh<T> {

    private final FxTaskRunner runner;
    private final Duration period;
    private final BackgroundWork<T> read;
    private final Consumer<T> onRead;
    private final Consumer<Throwable> onFailure;
    private final ReadOnlyBooleanWrapper reading = new ReadOnlyBooleanWrapper();
    private TaskHandle timer;

    /**
     * @param read      the engine call; runs off the FX thread
     * @param onRead    receives each result, on the FX thread
     * @param onFailure receives each failure, on the FX thread
     */
    public LiveRefresh(FxTaskRunner runner, Duration period, BackgroundWork<T> read, Consumer<T> onRead,
                       Consumer<Throwable> onFailure) {
        this.runner = runner;
        this.period = period;
        this.read = read;
        this.onRead = onRead;
        this.onFailure = onFailure;
    }

    /** Reads now and then every period, until {@link #deactivate()}. */
    public void activate() {
        refresh();
        if (timer == null) {
            timer = runner.every(period, this::refresh);
        }
    }

    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Reads again now, unless a read is already under way. */
    public void refresh() {
        if (reading.get()) {
            return;
        }
        reading.set(true);
        runner.run(read, value -> {
            reading.set(false);
            onRead.accept(value);
        }, failure -> {
            reading.set(false);
            onFailure.accept(failure);
        });
    }

    /** Whether a read is under way. */
    public ReadOnlyBooleanProperty readingProperty() {
        return reading.getReadOnlyProperty();
    }
}
