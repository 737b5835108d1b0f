package org.nstcg.integrity.console;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.nstcg.integrity.console.service.JavaFxTaskRunner;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.support.DeepLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the console window and blocks until it is closed.
 *
 * <p>Design notes: the FX toolkit is started with {@link Platform#startup} rather than {@code Application.launch},
 * so the jar's main class is not an {@code Application} (which {@code java -jar} with JavaFX on the class path
 * needs) and no static hand-off is required. The calling thread waits on a latch; when the window has closed it
 * stops the background work and closes the engine itself, off the FX thread, before the toolkit exits.
 */
public final class ConsoleLauncher {

    private static final Logger log = LoggerFactory.getLogger(ConsoleLauncher.class);

    private ConsoleLauncher() {
    }

    /**
     * Opens the console for the given command-line request; returns the exit code once the window is closed.
     *
     * @param open the item to land on once signed in ({@code --open}), if any
     */
    public static int launch(ConfigRequest request, Optional<DeepLink> open) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> log.error("Uncaught exception in {}", thread.getName(), e));
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<ConsoleWindow> window = new AtomicReference<>();
        JavaFxTaskRunner runner = new JavaFxTaskRunner();
        Platform.setImplicitExit(false);
        Platform.startup(() -> {
            ConsoleWindow w = new ConsoleWindow(new Stage(), runner, Clock.systemDefaultZone());
            window.set(w);
            open.ifPresent(w::openAfterSignIn);
            w.stage().setOnHidden(e -> {
                w.stopRefreshing();
                closed.countDown();
            });
            w.showConnect(request, ConfigLoader.forThisProcess());
            w.stage().show();
        });
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.shutdown();
        ConsoleWindow w = window.get();
        if (w != null) {
            w.engine().ifPresent(IntegrityEngine::close);
        }
        Platform.exit();
        log.info("Console closed");
        return 0;
    }
}
