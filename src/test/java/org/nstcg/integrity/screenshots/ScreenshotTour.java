package org.nstcg.integrity.screenshots;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javafx.scene.Scene;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindow;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;
import org.nstcg.integrity.console.viewmodel.shell.ShellViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.TestActors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The screenshot command, {@code mvn -B -Pscreenshots test}: renders every console screen with demo data to
 * {@code docs/screenshots/<name>.png} at 1280×800 (headless, like the UI tests; {@code -Dgui} shows the window).
 * Not a test of the default build: its name matches neither {@code *Test} nor {@code *IT}; the {@code screenshots}
 * profile runs only this class.
 *
 * <p>It goes through the console as a person does: the first-administrator form on a fresh database, then (after
 * {@link DemoData} seeds the platform through the engine) the sign-in form, then each screen the administrator
 * sees, chosen with the shell's {@code select}, and the overview again in the dark theme. It knows nothing about
 * the screens themselves: {@link ScreenCapture} waits until a screen has settled, so screens added later need
 * no change here.
 *
 * <p>The engine runs in its own embedded mode (as the console does by default, so the status bar reads
 * "embedded") in a fresh data directory under {@code target/}; nothing is left running afterwards.
 */
class ScreenshotTour {

    private static final Logger log = LoggerFactory.getLogger(ScreenshotTour.class);
    private static final ConfigSource TOUR = new ConfigSource(ConfigSource.Kind.FLAG, "(screenshots)");

    private final Path outDir = Path.of(System.getProperty("screenshots.dir", "docs/screenshots")).toAbsolutePath();
    private Path dataDir;
    private IntegrityEngine engine;
    private ConsoleWindowFixture ui;
    private ConsoleWindow window;

    @BeforeEach
    void startEngine() throws Exception {
        dataDir = Files.createDirectories(Path.of("target")).resolve("screenshots-data").toAbsolutePath();
        deleteTree(dataDir);
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.DATA_DIR, new EngineConfig.Value(dataDir.toString(), TOUR));
        engine = IntegrityEngine.start(EngineConfig.of(values, dataDir), ProgressListener.NONE);
        ui = new ConsoleWindowFixture();
    }

    @AfterEach
    void stop() throws Exception {
        // The fixture closes the engine the window adopted (and with it the embedded servers).
        ui.close();
        if (window == null) {
            engine.close();
        }
        deleteTree(dataDir);
    }

    @Test
    void rendersEveryScreen() throws Exception {
        List<Path> written = new ArrayList<>();
        List<String> unsettled = new ArrayList<>();

        window = ui.open(w -> w.showSetup(engine));
        ScreenCapture capture = new ScreenCapture(scene(window));
        shoot(capture, "setup", written, unsettled);

        Session admin = DemoData.seed(engine);

        ui.robot().interact(() -> window.showSignIn(engine));
        shoot(capture, "signin", written, unsettled);

        ui.robot().interact(() -> window.showShell(engine, admin));
        ShellViewModel shell = window.shell().orElseThrow();
        for (Feature feature : shell.features()) {
            ui.robot().interact(() -> shell.select(feature));
            shoot(capture, feature.name().toLowerCase(Locale.ROOT), written, unsettled);
        }

        // Users as support staff meet it: a search for "ada" and the first match opened.
        UsersViewModel users = (UsersViewModel) shell.page(Feature.USERS);
        ui.robot().interact(() -> {
            shell.select(Feature.USERS);
            users.queryProperty().set("ada");
            users.search();
        });
        ui.waitUntil(() -> !users.results().isEmpty(), "search results for ada");
        ui.robot().interact(() -> users.select(users.results().get(0).id()));
        shoot(capture, "users-details", written, unsettled);

        // Sagas and Audit with an entry opened: the details panes and their JSON viewers.
        var sagas = (org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel) shell.page(Feature.SAGAS);
        ui.robot().interact(() -> shell.select(Feature.SAGAS));
        ui.waitUntil(() -> !sagas.rows().isEmpty(), "the sagas listed");
        ui.robot().interact(() -> sagas.selectedIdProperty().set(sagas.rows().get(0).id()));
        ui.waitUntil(() -> !sagas.timeline().isEmpty(), "the saga's timeline");
        ui.robot().interact(() -> sagas.timeline().stream().filter(t -> !t.result().isEmpty()).findFirst()
                .ifPresent(t -> sagas.selectedStepProperty().set(t)));
        // Scrolled to the end of the details pane: the chosen step's result in the JSON viewer.
        ui.robot().interact(() -> ui.robot().lookup(".saga-detail-scroll").queryAs(javafx.scene.control.ScrollPane.class).setVvalue(1));
        shoot(capture, "sagas-details", written, unsettled);

        var audit = (org.nstcg.integrity.console.viewmodel.audit.AuditViewModel) shell.page(Feature.AUDIT);
        ui.robot().interact(() -> shell.select(Feature.AUDIT));
        ui.waitUntil(() -> !audit.rows().isEmpty(), "the audit entries listed");
        ui.robot().interact(() -> audit.selectedIdProperty().set(audit.rows().get(0).id()));
        shoot(capture, "audit-details", written, unsettled);

        // Duplicates with the likely pair opened: the two sides compared, then the merge preview.
        var duplicates = (org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel) shell.page(Feature.DUPLICATES);
        ui.robot().interact(() -> shell.select(Feature.DUPLICATES));
        ui.waitUntil(() -> duplicates.pairs().stream().anyMatch(p -> p.right().userId() != null), "a pair of two users");
        ui.robot().interact(() -> duplicates.select(duplicates.pairs().stream().filter(p -> p.right().userId() != null)
                .reduce((a, b) -> b).orElseThrow()));
        shoot(capture, "duplicates-pair", written, unsettled);

        var repairs = (org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel) shell.page(Feature.REPAIRS);
        ui.robot().interact(() -> shell.select(Feature.REPAIRS));
        ui.waitUntil(() -> !repairs.findings().isEmpty(), "the selected check's findings");
        ui.robot().interact(() -> ui.robot().lookup(".finding-list").queryAs(javafx.scene.control.ListView.class).getSelectionModel().select(0));
        shoot(capture, "repairs-finding", written, unsettled);

        ui.robot().interact(() -> {
            shell.select(Feature.OVERVIEW);
            shell.darkThemeProperty().set(true);
        });
        shoot(capture, "overview-dark", written, unsettled);

        log.info("Screenshots written to {}: {}", outDir, written.stream().map(Path::getFileName).toList());
        assertThat(written).hasSize(shell.features().size() + 8);
        for (Path png : written) {
            var image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).as(png.getFileName() + " width").isEqualTo(1280);
            assertThat(image.getHeight()).as(png.getFileName() + " height").isEqualTo(800);
        }
        if (!unsettled.isEmpty()) {
            log.warn("Screens that never settled (written as they were): {}", unsettled);
        }
    }

    private void shoot(ScreenCapture capture, String name, List<Path> written, List<String> unsettled) throws Exception {
        Path file = outDir.resolve(name + ".png");
        if (!capture.write(file)) {
            unsettled.add(name);
        }
        written.add(file);
        log.info("Wrote {}", file);
    }

    private static Scene scene(ConsoleWindow window) {
        return window.stage().getScene();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
