package org.nstcg.integrity.console.sagas;

import org.nstcg.integrity.console.EngineSagaSource;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.theme.ConsoleTheme;
import org.nstcg.integrity.console.view.sagas.SagasView;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel;
import org.nstcg.integrity.console.viewmodel.sagas.SagaRow;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ProbeSagas;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * "Retry all matching…" on the sagas screen over a real engine, with the synchronous task runner (each engine call
 * ends before the click returns): the dialog counts what the filter matches, refuses to run without a reason, runs,
 * and sums up each saga (one resolved by someone else meanwhile is skipped, and says why); the screen behind shows
 * the new statuses without Refresh.
 */
@IntegrityTest(settings = "console.refresh=1h")
class SagasBulkUiTest {

    private final FxRobot robot = new FxRobot();
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private IntegrityEngine engine;
    private SagasViewModel viewModel;

    @BeforeEach
    void show(IntegrityEngine started) throws TimeoutException {
        engine = started;
        FxToolkit.registerPrimaryStage();
        Actor operator = Actor.of(TestAccounts.signIn(engine, Role.OPERATOR));
        viewModel = new SagasViewModel(new EngineSagaSource(engine.sagas(), operator), runner, Clock.systemDefaultZone(), Duration.ofHours(1), true);
        FxToolkit.setupStage(stage -> {
            Scene scene = new Scene(ViewLoader.load(new SagasView(viewModel)), 1280, 800);
            ConsoleTheme.LIGHT.apply(scene);
            stage.setScene(scene);
            stage.show();
            viewModel.activate();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws TimeoutException {
        robot.interact(viewModel::deactivate);
        FxToolkit.cleanupStages();
    }

    @Test
    void retryAllMatchingShowsTheCountNeedsAReasonThenSumsUpEachSaga() {
        List<UUID> broken = ProbeSagas.needingAttention(engine, "bulk-ui", 3);
        robot.interact(() -> viewModel.typeProperty().set("bulk-ui"));
        WaitForAsyncUtils.waitForFxEvents();
        Button retryAll = robot.lookup("#retryAllButton").queryButton();
        assertThat(retryAll.isDisabled()).as("the filter matches sagas that need attention").isFalse();

        robot.clickOn(retryAll);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#bulkCount")).isEqualTo("3 sagas will be retried.");
        assertThat(dialogTable().getItems()).extracting(BulkActionViewModel.Row::detail)
                .containsOnly("retry: resumes its rollback at the undo of Write");
        assertThat(text("#bulkRun")).isEqualTo("Retry 3 sagas");
        ScreenCapture.save(robot, dialogRoot(), "sagas-bulk-preview");

        robot.clickOn("#bulkRun");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#bulkReasonError")).isEqualTo("Give a reason first: say what was fixed, so that the retries can succeed."
                + " It is kept with each saga in the audit trail.");
        assertThat(broken).allSatisfy(id -> assertThat(status(id)).as("nothing ran without a reason").isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION));

        UUID meanwhile = broken.get(0);
        engine.sagas().resolve(meanwhile, TestActors.OPERATOR, "done by hand elsewhere");
        robot.interact(() -> robot.lookup("#bulkReason").queryAs(TextArea.class).setText("undo of Write mended"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#bulkReasonError")).as("typing a reason clears what was missing").isEmpty();
        robot.clickOn("#bulkRun");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(text("#bulkError")).as("no failure").isEmpty();
        assertThat(text("#bulkSummary")).isEqualTo("Finished: 2 of 3 sagas retried, 1 skipped. The table says why for each;"
                + " every saga done has its own audit entry.");
        assertThat(text("#bulkProgressText")).isEqualTo("3 of 3");
        assertThat(dialogTable().getItems()).extracting(BulkActionViewModel.Row::outcome).containsExactlyInAnyOrder("Done", "Done", "Skipped");
        assertThat(dialogTable().getItems()).filteredOn(r -> r.outcome().equals("Skipped")).singleElement()
                .satisfies(r -> assertThat(r.detail()).isEqualTo("it is now resolved by hand; someone acted on it since the preview"));
        ScreenCapture.save(robot, dialogRoot(), "sagas-bulk-summary");
        for (UUID id : broken.subList(1, 3)) {
            assertThat(status(id)).isEqualTo(SagaStatus.COMPENSATED);
            List<AuditEntry> audited = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("saga.retry"),
                    Optional.of(id.toString()), Optional.empty(), 10);
            assertThat(audited).singleElement().satisfies(e -> assertThat(e.details()).contains("undo of Write mended"));
        }

        robot.clickOn("#bulkClose");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(viewModel.rows()).as("the list behind shows the new statuses without Refresh")
                .filteredOn(r -> broken.subList(1, 3).contains(UUID.fromString(r.id()))).extracting(SagaRow::status)
                .containsOnly("Rolled back");
        assertThat(retryAll.isDisabled()).as("nothing matching needs attention any more").isTrue();
    }

    private String text(String query) {
        return robot.lookup(query).queryLabeled().getText();
    }

    @SuppressWarnings("unchecked")
    private TableView<BulkActionViewModel.Row> dialogTable() {
        return robot.lookup(".bulk-items").queryAs(TableView.class);
    }

    private Node dialogRoot() {
        return robot.lookup(".bulk-dialog").query();
    }

    private SagaStatus status(UUID id) {
        return engine.sagas().show(TestActors.OPERATOR, id).orElseThrow().status();
    }

}
