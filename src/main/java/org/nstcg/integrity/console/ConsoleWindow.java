package org.nstcg.integrity.console;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.theme.ConsoleTheme;
import org.nstcg.integrity.console.view.connect.ConnectView;
import org.nstcg.integrity.console.view.shell.ShellView;
import org.nstcg.integrity.console.viewmodel.connect.ConnectViewModel;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.shell.ShellViewModel;
import org.nstcg.integrity.console.viewmodel.shell.StatusBarViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;

/**
 * The console's one window, and the place where view-models meet the engine: they get the engine's methods as
 * small interfaces ({@code engine::figures}, {@code engine::health}), views get only view-models.
 *
 * <p>It shows the start screen until the engine runs, then the shell. It does not own the FX toolkit (the
 * {@link ConsoleLauncher} or a test does); it owns the engine once started and hands it back via {@link #engine()}
 * so the launcher can close it off the FX thread.
 */
public final class ConsoleWindow {

    static final String TITLE = "Integrity Console";

    private final Stage stage;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final Scene scene;
    private final AtomicReference<IntegrityEngine> engine = new AtomicReference<>();
    private ShellViewModel shell;

    /** Sets up the stage (title, sizes, theme); call on the FX thread, then show one of the screens. */
    public ConsoleWindow(Stage stage, FxTaskRunner runner, Clock clock) {
        this.stage = stage;
        this.runner = runner;
        this.clock = clock;
        this.scene = new Scene(new StackPane(), 1280, 800);
        ConsoleTheme.LIGHT.apply(scene);
        stage.setTitle(TITLE);
        stage.setMinWidth(1024);
        stage.setMinHeight(700);
        stage.setScene(scene);
    }

    /** The start screen: loads the configuration, starts the engine, then shows the shell. */
    public void showConnect(ConfigRequest request, ConfigLoader loader) {
        ConnectViewModel connect = new ConnectViewModel(request, loader,
                (config, progress) -> adopt(IntegrityEngine.start(config, progress)), runner, this::showShell);
        show(ViewLoader.load(new ConnectView(connect)));
        connect.start();
    }

    /** The shell over an engine that is already running (the start screen's success, or a test's engine). */
    public void showShell(IntegrityEngine started) {
        adopt(started);
        OverviewViewModel overview = new OverviewViewModel(started::figures, runner, clock, started.config().consoleRefresh());
        StatusBarViewModel status = new StatusBarViewModel(started::health, runner, clock, started.config().consoleRefresh());
        shell = new ShellViewModel(overview, status);
        shell.darkThemeProperty().addListener((obs, old, dark) -> (dark ? ConsoleTheme.DARK : ConsoleTheme.LIGHT).apply(scene));
        show(ViewLoader.load(new ShellView(shell)));
        shell.activate();
    }

    /** Stops the live refreshes; call on the FX thread when the window closes. */
    public void stopRefreshing() {
        if (shell != null) {
            shell.deactivate();
        }
    }

    /** The engine, once one has started. */
    public Optional<IntegrityEngine> engine() {
        return Optional.ofNullable(engine.get());
    }

    public Stage stage() {
        return stage;
    }

    private IntegrityEngine adopt(IntegrityEngine started) {
        engine.set(started);
        return started;
    }

    private void show(Parent root) {
        scene.setRoot(root);
    }
}
