package org.nstcg.integrity.console.audit;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.sagas.BrokenSagas;
import org.nstcg.integrity.console.viewmodel.audit.AuditRow;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The audit screen over a real engine, as an administrator: saga actions done with the session are listed with the
 * signed-in user as actor; Verify chain reports the chain intact, and after an entry is changed behind the engine's
 * back (as the table owner, with the append-only triggers off) names that entry and why.
 */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class AuditScreenUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void createFixture(TestDatabase slice, IntegrityEngine started) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
        engine = started;
    }

    @AfterEach
    void closeShell() throws Exception {
        ui.close();
    }

    @Test
    void auditShowsEachActionWithTheSignedInUserAndVerifyFindsATamperedEntry() throws Exception {
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        UUID retried = BrokenSagas.needingAttention(engine, "order 1");
        UUID resolved = BrokenSagas.needingAttention(engine, "order 2");
        engine.sagas().retry(retried, Actor.of(admin), "undo mended");
        engine.sagas().resolve(resolved, Actor.of(admin), "refunded by hand");

        ui.open(window -> window.showShell(engine, admin));
        robot.clickOn("Audit");
        ui.waitUntil(() -> table().getItems().size() >= 2, "the audit entries");
        assertThat(table().getItems()).extracting(AuditRow::action).contains("saga.retry", "saga.resolve");

        robot.clickOn("#actionField").write("saga.*").type(KeyCode.ENTER);
        ui.waitUntil(() -> table().getItems().stream().allMatch(r -> r.action().startsWith("saga.")), "only saga actions");
        assertThat(table().getItems()).extracting(AuditRow::action).containsExactly("saga.resolve", "saga.retry");
        assertThat(table().getItems()).extracting(AuditRow::actor).containsOnly(admin.username());
        assertThat(table().getItems()).extracting(AuditRow::target).containsExactly("saga " + resolved, "saga " + retried);
        assertThat(table().getItems()).extracting(AuditRow::details).containsExactly("refunded by hand", "undo mended");

        robot.clickOn("#textField").write("MENDED").type(KeyCode.ENTER);
        ui.waitUntil(() -> table().getItems().size() == 1, "the text search");
        AuditRow retryRow = table().getItems().get(0);
        assertThat(retryRow.action()).isEqualTo("saga.retry");

        robot.clickOn("#verifyButton");
        ui.waitUntil(() -> ui.text("#verifyText").startsWith("Intact: all "), "the chain verified intact");
        assertThat(robot.lookup("#showBadButton").query().isVisible()).isFalse();
        ScreenCapture.save(robot, robot.lookup("#auditTable").query().getScene().getRoot(), "audit-intact");

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
            st.execute("UPDATE audit_log SET details = 'nothing happened' WHERE id = " + retryRow.id());
            st.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
        }
        robot.clickOn("#verifyButton");

        ui.waitUntil(() -> ui.text("#verifyText").startsWith("Broken at entry " + retryRow.id() + ":"), "the chain found broken");
        assertThat(ui.text("#verifyText")).contains("its content no longer matches its hash: it was changed after it was written");
        robot.clickOn("#showBadButton");
        ui.waitForText("#detailTitle", "Entry " + retryRow.id() + " · saga.retry");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(ui.text("#detailText")).contains("nothing happened", "Actor: " + admin.username());
        ScreenCapture.save(robot, robot.lookup("#auditTable").query().getScene().getRoot(), "audit-broken");
        assertThat(engine.audit().verify(TestActors.OPERATOR).firstBadId()).contains(retryRow.id());
        assertThat(engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("saga.*"), Optional.empty(), Optional.empty(), 10)).hasSize(2);
    }

    @SuppressWarnings("unchecked")
    private TableView<AuditRow> table() {
        return robot.lookup("#auditTable").queryAs(TableView.class);
    }
}
