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
import org.nstcg.integrity.console.view.signin.SetupView;
import org.nstcg.integrity.console.view.signin.SignInView;
import org.nstcg.integrity.console.viewmodel.shell.AlertNotifier;
import org.nstcg.integrity.console.viewmodel.shell.ShellViewModel;
import org.nstcg.integrity.console.viewmodel.shell.StatusBarViewModel;
import org.nstcg.integrity.console.viewmodel.signin.SetupViewModel;
import org.nstcg.integrity.console.viewmodel.signin.SignInViewModel;
import org.nstcg.integrity.engine.account.AccountResult;
import java.util.List;
import org.nstcg.integrity.engine.account.AccountService;
import org.nstcg.integrity.engine.integrity.AlertLog;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.support.DeepLink;

/**
 * The console's one window, and the place where view-models meet the engine: they get the engine's methods as
 * small interfaces ({@code engine::figures}, {@code engine::health}), views get only view-models.
 *
 * <p>It shows the start screen until the engine runs, then sign-in (or, on a database without accounts, the
 * first-administrator form), then the shell for the signed-in user. It does not own the FX toolkit (the
 * {@link ConsoleLauncher} or a test does); it owns the engine once started and hands it back via {@link #engine()}
 * so the launcher can close it off the FX thread.
 */
public final class ConsoleWindow {

    private static final Logger log = LoggerFactory.getLogger(ConsoleWindow.class);
    static final String TITLE = "Integrity Console";

    private final Stage stage;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final Scene scene;
    private final AtomicReference<IntegrityEngine> engine = new AtomicReference<>();
    private ShellViewModel shell;
    /** The item asked for with {@code --open}: opened once, after the first sign-in. */
    private DeepLink pendingOpen;
    private boolean dark;

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

    /**
     * Lands on {@code link} after the next sign-in (the command line's {@code --open}); the shell says so when the role
     * may not open it or it does not exist.
     */
    public void openAfterSignIn(DeepLink link) {
        pendingOpen = link;
    }

    /** The start screen: loads the configuration, starts the engine, then asks who signs in. */
    public void showConnect(ConfigRequest request, ConfigLoader loader) {
        ConnectViewModel connect = new ConnectViewModel(request, loader,
                (config, progress) -> adopt(IntegrityEngine.start(config, progress)), runner, this::showAccess);
        show(ViewLoader.load(new ConnectView(connect)));
        connect.start();
    }

    /** After the engine starts: the first-administrator form on a database without accounts, else sign-in. */
    public void showAccess(IntegrityEngine started) {
        adopt(started);
        runner.run(progress -> started.accounts().hasAccounts(),
                hasAccounts -> {
                    if (hasAccounts) {
                        showSignIn(started);
                    } else {
                        showSetup(started);
                    }
                },
                failure -> showSignIn(started));
    }

    /** The sign-in form over a running engine. */
    public void showSignIn(IntegrityEngine started) {
        adopt(started);
        SignInViewModel signIn = new SignInViewModel(started.accounts()::signIn, runner,
                started.config().consoleLockoutAttempts(), started.config().consoleLockoutDuration(),
                session -> showShell(started, session));
        show(ViewLoader.load(new SignInView(signIn)));
    }

    /** First launch: the form that creates the first administrator. */
    public void showSetup(IntegrityEngine started) {
        adopt(started);
        AccountService accounts = started.accounts();
        SetupViewModel setup = new SetupViewModel(new SetupViewModel.Accounts() {
            @Override
            public AccountResult createFirstAdministrator(String username, String displayName, String password) {
                return accounts.createFirstAdministrator(username, displayName, password);
            }

            @Override
            public SignInOutcome signIn(String username, String password) {
                return accounts.signIn(username, password);
            }
        }, runner, session -> showShell(started, session), () -> showSignIn(started));
        show(ViewLoader.load(new SetupView(setup)));
    }

    /** The shell for a signed-in user: the screens their role may see. */
    public void showShell(IntegrityEngine started, Session session) {
        adopt(started);
        stopRefreshing();
        AtomicReference<ShellViewModel> current = new AtomicReference<>();
        ScreenWiring wiring = new ScreenWiring(started, session, runner, clock, feature -> current.get().select(feature));
        StatusBarViewModel status = new StatusBarViewModel(started::health, runner, clock, started.config().consoleRefresh());
        AlertLog alertLog = started.alertLog();
        AlertNotifier alerts = new AlertNotifier(listener -> started.alerts().subscribe(listener), new AlertNotifier.AlertFeed() {
            @Override
            public long latestId() {
                return alertLog.latestId();
            }

            @Override
            public List<AlertLog.StoredAlert> after(long id, int limit) {
                return alertLog.after(id, limit);
            }

            @Override
            public String ownInstance() {
                return alertLog.instanceId();
            }
        }, runner, started.config().consoleRefresh(), alert -> ScreenWiring.concerns(session, alert));
        shell = new ShellViewModel(wiring.pages(), status, alerts, session.displayName(), session.role().title(),
                () -> signOut(started, session));
        current.set(shell);
        shell.darkThemeProperty().set(dark);
        shell.darkThemeProperty().addListener((obs, old, on) -> {
            dark = on;
            (on ? ConsoleTheme.DARK : ConsoleTheme.LIGHT).apply(scene);
        });
        show(ViewLoader.load(new ShellView(shell)));
        shell.activate();
        if (pendingOpen != null) {
            DeepLink link = pendingOpen;
            pendingOpen = null;
            shell.open(link);
        }
    }

    private void signOut(IntegrityEngine started, Session session) {
        shell = null;
        runner.run(progress -> {
            started.accounts().signOut(session);
            return null;
        }, done -> { }, failure -> log.warn("Sign-out of {} not audited: {}", session.username(), failure.getMessage()));
        showSignIn(started);
    }

    /** Stops the live refreshes; call on the FX thread when the window closes. */
    public void stopRefreshing() {
        if (shell != null) {
            shell.deactivate();
        }
    }

    /** The shell shown now, if a user is signed in. */
    public Optional<ShellViewModel> shell() {
        return Optional.ofNullable(shell);
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
