package org.nstcg.integrity.console.repairs;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.viewmodel.repairs.CheckRow;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The repairs screen over a real engine: a planted finding is found, previewed, repaired and checked again. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class RepairsScreenUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void createFixture(TestDatabase slice) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
    }

    @AfterEach
    void closeShell() throws Exception {
        ui.close();
    }

    @Test
    void aPlantedFindingIsShownUnderItsCheckPreviewedWithoutWritingThenAppliedAndTheCheckPasses() throws Exception {
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CONSOLE_REFRESH, "1h", ConfigKey.CHECKS_INTERVAL, "off")),
                ProgressListener.NONE);
        List<Long> ids = register(3);
        long damaged = ids.get(1);
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 3 WHERE user_id = " + damaged,
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER");
        String pointsBefore = text("SELECT points FROM gamification_profiles WHERE user_id = " + damaged);
        Session operator = TestAccounts.signIn(engine, Role.OPERATOR);
        ui.open(window -> window.showShell(engine, operator));
        robot.clickOn("Repairs");
        ui.waitUntil(() -> ui.text("#findingsHeader").equals("Not run yet"), "the checks, none run yet");

        robot.clickOn("#runChecksButton");

        ui.waitUntil(() -> ui.text("#runStatus").matches("Run #\\d+ failed: 1 finding in 8 checks, .*"), "the run to finish");
        ui.waitUntil(() -> selectedCheck().map(CheckRow::name).orElse("").equals("points-ledger"), "the failing check to be selected");
        ui.waitUntil(() -> findings().size() == 1, "its finding");
        assertThat(findings().get(0)).contains(Long.toString(damaged));
        assertThat(ui.text("#findingsHeader")).startsWith("1 finding in run #");
        assertThat(ui.text("#repairTitle")).isEqualTo("Repair: points");

        robot.clickOn("#previewButton");
        ui.waitForText("#planSummary", "Would apply 1 change (points). Nothing has been written.");
        assertThat(changes()).singleElement().asString().contains(Long.toString(damaged));
        assertThat(text("SELECT points FROM gamification_profiles WHERE user_id = " + damaged)).as("the preview writes nothing")
                .isEqualTo(pointsBefore);
        ScreenCapture.save(robot, robot.lookup(".repairs-page").query(), "repairs-preview");

        robot.clickOn("#applyButton");
        ui.waitUntil(() -> robot.lookup("#confirmBox").query().isVisible(), "the confirmation");
        robot.clickOn("#confirmApplyButton");
        ui.waitForText("#reasonError", "Say why you apply this repair; the audit trail keeps it.");
        robot.clickOn("#reason").write("ledger says so");
        ScreenCapture.save(robot, robot.lookup(".repairs-page").query(), "repairs-confirm");
        robot.clickOn("#confirmApplyButton");

        ui.waitUntil(() -> ui.text("#repairResult").matches("Applied 1 change \\(points\\)\\. Checked again in run #\\d+: points-ledger now passes\\."),
                "the repair and the check after it");
        assertThat(Long.parseLong(text("SELECT points FROM gamification_profiles WHERE user_id = " + damaged)))
                .isEqualTo(Long.parseLong(pointsBefore) - 3);
        ui.waitUntil(() -> selectedCheck().map(CheckRow::status).orElse("").equals(CheckRow.PASSED), "the check row to say passed");
        List<AuditEntry> audit = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("repair.points"), Optional.empty(), Optional.empty(), 10);
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo(TestAccounts.username(Role.OPERATOR));
            assertThat(e.details()).hasValueSatisfying(d -> assertThat(d).contains("ledger says so"));
        });
        ScreenCapture.save(robot, robot.lookup(".repairs-page").query(), "repairs-applied");

        robot.clickOn("Run history");
        WaitForAsyncUtils.waitForFxEvents();
        TableView<?> history = robot.lookup("#historyTable").queryAs(TableView.class);
        assertThat(history.getItems()).as("the suite, then the check after the repair").hasSize(2);
        ScreenCapture.save(robot, robot.lookup(".repairs-page").query(), "repairs-history");
    }

    private Optional<CheckRow> selectedCheck() {
        @SuppressWarnings("unchecked")
        ListView<CheckRow> list = robot.lookup("#checkList").queryAs(ListView.class);
        return Optional.ofNullable(list.getSelectionModel().getSelectedItem());
    }

    @SuppressWarnings("unchecked")
    private List<String> findings() {
        return new ArrayList<>(robot.lookup("#findingList").queryAs(ListView.class).getItems());
    }

    @SuppressWarnings("unchecked")
    private List<String> changes() {
        return new ArrayList<>(robot.lookup("#changeList").queryAs(ListView.class).getItems());
    }

    private List<Long> register(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RegistrationOutcome o = engine.registration().register(new RegistrationRequest(
                    "r" + UUID.randomUUID().toString().substring(0, 8) + "@repairs.example.org", "Rita", null, null));
            ids.add(((RegistrationOutcome.Registered) o).userId());
        }
        return ids;
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private String text(String query) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
