package org.nstcg.integrity.console.service;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FxTaskRunner} for the running console: each call becomes a {@code javafx.concurrent.Task} on a small pool
 * of daemon threads; each timer a {@code Timeline} on the FX thread. Must be used from the FX thread.
 */
public final class JavaFxTaskRunner implements FxTaskRunner {

    private static final Logger log = LoggerFactory.getLogger(JavaFxTaskRunner.class);

    private final ExecutorService executor;
    private final Set<Timeline> timers = ConcurrentHashMap.newKeySet();

    public JavaFxTaskRunner() {
        this.executor = Executors.newCachedThreadPool(daemonThreads("console-worker-"));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        ThreadFactory base = Executors.defaultThreadFactory();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = base.newThread(runnable);
            t.setName(prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public <T> TaskHandle run(BackgroundWork<T> work, Consumer<String> onProgress, Consumer<? super T> onSuccess,
                              Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return work.call((message, done, total) -> {
                    updateMessage(message);
                    if (done >= 0 && total > 0) {
                        updateProgress(done, total);
                    }
                });
            }
        };
        task.messageProperty().addListener((obs, old, message) -> {
            if (message != null && !message.isEmpty()) {
                onProgress.accept(message);
            }
        });
        task.setOnSucceeded(e -> onSuccess.accept(task.getValue()));
        task.setOnFailed(e -> onFailure.accept(task.getException()));
        executor.execute(task);
        return () -> task.cancel(true);
    }

    @Override
    public void later(Runnable action) {
        Platform.runLater(action);
    }

    @Override
    public TaskHandle every(Duration period, Runnable action) {
        Timeline timeline = new Timeline(new KeyFrame(javafx.util.Duration.millis(period.toMillis()), e -> action.run()));
        timeline.setCycleCount(Animation.INDEFINITE);
        timers.add(timeline);
        timeline.play();
        return () -> {
            timeline.stop();
            timers.remove(timeline);
        };
    }

    /** Call from any thread; it waits for running work only when not called on the FX thread. */
    @Override
    public void shutdown() {
        List<Timeline> running = List.copyOf(timers);
        timers.clear();
        if (Platform.isFxApplicationThread()) {
            running.forEach(Timeline::stop);
        } else {
            Platform.runLater(() -> running.forEach(Timeline::stop));
        }
        executor.shutdownNow();
        if (Platform.isFxApplicationThread()) {
            return;
        }
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Background work still running after 5 s; leaving it to the JVM exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
