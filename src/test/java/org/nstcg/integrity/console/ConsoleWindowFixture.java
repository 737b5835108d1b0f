package org.nstcg.integrity.console;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javafx.scene.control.Labeled;
import org.nstcg.integrity.console.service.JavaFxTaskRunner;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A {@link ConsoleWindow} on a TestFX stage with the real {@link JavaFxTaskRunner}, as the launcher builds it (its
 * timers can also be fired by hand: {@link #tickRefreshTimers()});
 * {@link #close()} undoes everything (timers, stage, background work, the engine the window adopted).
 */
public final class ConsoleWindowFixture implements AutoCloseable {

    private final FxRobot robot = new SteadyRobot();
    private final TickableTaskRunner runner = new TickableTaskRunner();
    private ConsoleWindow window;

    /**
     * An {@link FxRobot} whose look-up before a click survives the FX thread changing the scene meanwhile. TestFX
     * walks the scene graph from the test thread; a node removed during that walk has no scene, and TestFX's
     * visibility filter then throws a NullPointerException before anything is clicked (seen once in CI). The click
     * is then looked up again after the FX thread has settled; a real failure still fails on the third try.
     */
    private static final class SteadyRobot extends FxRobot {
        @Override
        public FxRobot clickOn(String query, org.testfx.robot.Motion motion, javafx.scene.input.MouseButton... buttons) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return super.clickOn(query, motion, buttons);
                } catch (NullPointerException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                    WaitForAsyncUtils.waitForFxEvents();
                }
            }
        }

        @Override
        public FxRobot doubleClickOn(String query, org.testfx.robot.Motion motion, javafx.scene.input.MouseButton... buttons) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return super.doubleClickOn(query, motion, buttons);
                } catch (NullPointerException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                    WaitForAsyncUtils.waitForFxEvents();
                }
            }
        }
    }

    public ConsoleWindowFixture() throws TimeoutException {
        FxToolkit.registerPrimaryStage();
    }

    /** Opens the window and shows a screen in it ({@code w -> w.showShell(engine, session)}). */
    public ConsoleWindow open(Consumer<ConsoleWindow> showScreen) throws TimeoutException {
        FxToolkit.setupStage(stage -> {
            window = new ConsoleWindow(stage, runner, Clock.systemDefaultZone());
            showScreen.accept(window);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        return window;
    }

    /**
     * Fires every refresh timer once (the shown screen's, the status bar's…), as if {@code console.refresh} had
     * passed, and lets the FX thread settle; the reads they start finish in the background.
     */
    public void tickRefreshTimers() {
        robot.interact(runner::tick);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * Waits until every background read the window started has handed on its result (so each screen shows its data),
     * then lets the FX thread apply CSS and lay the scene out.
     */
    public void settle() {
        WaitForAsyncUtils.waitForFxEvents();
        waitUntil(runner::idle, "the screens' background work to finish");
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            javafx.scene.Parent root = window.stage().getScene().getRoot();
            root.applyCss();
            root.layout();
        });
    }

    public FxRobot robot() {
        return robot;
    }

    /** The text of the label, button… that the query finds. */
    public String text(String query) {
        return robot.lookup(query).queryAs(Labeled.class).getText();
    }

    public void waitForText(String query, String expected) {
        waitUntil(() -> expected.equals(text(query)), query + " reading '" + expected + "'");
    }

    public void waitUntil(Callable<Boolean> condition, String what) {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    /**
     * Writes what the window shows now to {@code target/ui-snapshots/<name>.png}, so a person can look at the screen
     * a test reached (the file viewer shows PNGs).
     */
    public java.nio.file.Path snapshot(String name) throws java.io.IOException {
        WaitForAsyncUtils.waitForFxEvents();
        java.util.concurrent.atomic.AtomicReference<javafx.scene.image.WritableImage> taken = new java.util.concurrent.atomic.AtomicReference<>();
        robot.interact(() -> taken.set(window.stage().getScene().getRoot().snapshot(null, null)));
        javafx.scene.image.WritableImage image = taken.get();
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        java.awt.image.BufferedImage png = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        javafx.scene.image.PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                png.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        java.nio.file.Path file = java.nio.file.Path.of("target", "ui-snapshots", name + ".png");
        java.nio.file.Files.createDirectories(file.getParent());
        javax.imageio.ImageIO.write(png, "png", file.toFile());
        return file;
    }

    @Override
    public void close() throws TimeoutException {
        if (window != null) {
            robot.interact(window::stopRefreshing);
        }
        FxToolkit.cleanupStages();
        runner.shutdown();
        if (window != null) {
            window.engine().ifPresent(IntegrityEngine::close);
        }
    }
}
