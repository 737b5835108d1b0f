package org.nstcg.integrity.console.sagas;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.viewmodel.sagas.SagaRow;
import org.nstcg.integrity.console.viewmodel.sagas.StatusFilter;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The sagas screen over a real engine, as an operator: a saga that needs attention is found by its status, opens as
 * a timeline with its errors, and is retried or resolved with a reason after a confirmation.
 */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class SagasScreenUiTest {

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
    void retryAFailedSagaAsAnOperatorRollsItBackAndRecordsWhoAndWhy() throws Exception {
        UUID broken = BrokenSagas.needingAttention(engine, "order 17");
        Session operator = openSagas(Role.OPERATOR);

        chooseStatus(StatusFilter.NEEDS_ATTENTION);
        openSaga(broken);
        ui.waitForText("#detailStatus", "Needs attention");
        assertThat(timelineTitles()).containsSubsequence("Started", "Step Write completed", "Step Fail failed",
                "Rollback started", "Undo of Write failed");
        assertThat(ui.text("#detailError")).contains("the undo of Write is broken on purpose");
        ScreenCapture.save(robot, root(), "sagas-needs-attention");

        robot.clickOn("#reasonField").write("undo of Write mended");
        robot.clickOn("#retryButton");
        assertThat(robot.lookup("#confirmBar").query().isVisible()).as("retry asks for a confirmation first").isTrue();
        assertThat(ui.text("#confirmText")).startsWith("Retry this saga now?");
        assertThat(engine.sagas().show(TestActors.OPERATOR, broken).orElseThrow().status()).as("nothing happens before the confirmation")
                .isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION);
        ScreenCapture.save(robot, root(), "sagas-confirm-retry");
        robot.clickOn("#confirmButton");

        ui.waitForText("#detailStatus", "Rolled back");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(ui.text("#actionResult")).isEqualTo("Saga " + broken
                + " was retried and is now rolled back: every step it had done was undone.");
        assertThat(robot.lookup("#actions").query().isVisible()).as("no actions on a finished saga").isFalse();
        assertThat(timelineTitles()).contains("Retried by " + operator.username(), "Step Write undone", "Rolled back");
        ScreenCapture.save(robot, root(), "sagas-retried");

        SagaRecord after = engine.sagas().show(TestActors.OPERATOR, broken).orElseThrow();
        assertThat(after.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(after.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SagaEvent.Type.MANUAL_ACTION);
            assertThat(e.actor()).contains(operator.username());
            assertThat(e.reason()).contains("undo of Write mended");
        });
        AuditEntry audited = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("saga.retry"), Optional.of(broken.toString()),
                Optional.empty(), 1).get(0);
        assertThat(audited.actor()).isEqualTo(operator.username());
        assertThat(audited.details()).contains("undo of Write mended");
    }

    @Test
    void resolveStaysDisabledUntilAReasonIsGivenThenMarksTheSagaResolved() throws Exception {
        UUID broken = BrokenSagas.needingAttention(engine, "order 18");
        openSagas(Role.OPERATOR);

        openSaga(broken);
        ui.waitForText("#detailStatus", "Needs attention");
        Button resolve = robot.lookup("#resolveButton").queryButton();
        assertThat(resolve.isDisabled()).as("no reason yet").isTrue();
        assertThat(robot.lookup("#reasonHint").query().isVisible()).isTrue();
        assertThat(ui.text("#reasonHint")).isEqualTo("Give a reason to retry or resolve.");

        robot.clickOn("#reasonField").write("   ");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(resolve.isDisabled()).as("blanks are no reason").isTrue();

        robot.interact(() -> robot.lookup("#reasonField").queryAs(TextArea.class).setText("refunded by hand"));
        assertThat(resolve.isDisabled()).isFalse();
        assertThat(robot.lookup("#reasonHint").query().isVisible()).isFalse();
        robot.clickOn(resolve);
        assertThat(ui.text("#confirmButton")).isEqualTo("Mark resolved");
        robot.clickOn("#confirmButton");

        ui.waitForText("#detailStatus", "Resolved by hand");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(engine.sagas().show(TestActors.OPERATOR, broken).orElseThrow().status()).isEqualTo(SagaStatus.RESOLVED);
        assertThat(timelineTitles()).contains("Resolved by hand by operator");
    }

    @Test
    void theListPagesAndFiltersByStatus() throws Exception {
        for (int i = 0; i < 3; i++) {
            BrokenSagas.needingAttention(engine, "order " + i);
        }
        openSagas(Role.OPERATOR);
        ui.waitUntil(() -> table().getItems().size() == 3, "three sagas listed");
        assertThat(table().getItems()).extracting(SagaRow::businessKey).containsExactly("order 2", "order 1", "order 0");
        assertThat(ui.text("#pageText")).isEqualTo("Sagas 1–3 of 3");
        assertThat(robot.lookup("#nextPageButton").queryButton().isDisabled()).isTrue();

        chooseStatus(StatusFilter.COMPLETED);
        ui.waitUntil(() -> table().getItems().isEmpty(), "no completed saga");
        assertThat(ui.text("#emptyText")).isEqualTo("No saga matches these filters. Choose another status, type or time.");
        ScreenCapture.save(robot, root(), "sagas-empty-filter");
    }

    private Session openSagas(Role role) throws TimeoutException {
        Session session = TestAccounts.signIn(engine, role);
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Sagas");
        ui.waitUntil(() -> robot.lookup("#sagaTable").tryQuery().isPresent(), "the sagas screen");
        return session;
    }

    @SuppressWarnings("unchecked")
    private TableView<SagaRow> table() {
        return robot.lookup("#sagaTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private void chooseStatus(StatusFilter status) {
        ComboBox<StatusFilter> filter = robot.lookup("#statusFilter").queryAs(ComboBox.class);
        robot.interact(() -> filter.setValue(status));
    }

    private void openSaga(UUID id) {
        ui.waitUntil(() -> table().getItems().stream().anyMatch(r -> r.id().equals(id.toString())), "saga " + id + " listed");
        SagaRow row = table().getItems().stream().filter(r -> r.id().equals(id.toString())).findFirst().orElseThrow();
        Node cell = robot.lookup(".table-row-cell").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.TableRow<?> r && row.equals(r.getItem())).findFirst().orElseThrow();
        robot.clickOn(cell.lookup(".table-cell"));
    }

    @SuppressWarnings("unchecked")
    private java.util.List<String> timelineTitles() {
        ListView<org.nstcg.integrity.console.viewmodel.sagas.TimelineItem> list = robot.lookup("#timelineList").queryAs(ListView.class);
        return list.getItems().stream().map(org.nstcg.integrity.console.viewmodel.sagas.TimelineItem::title).toList();
    }

    private Node root() {
        return robot.lookup("#sagaTable").query().getScene().getRoot();
    }
}
