package org.nstcg.integrity.console.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * "Merge selected…" on the Duplicates screen, as support, over the console's real wiring and task runner: two pairs
 * selected, previewed with a count, refused without a reason, merged with progress in the background, summed up, each
 * merge audited with the bulk id; the pairs are read again after, without Refresh.
 */
@IntegrityTest(settings = "console.refresh=1h")
class DuplicatesMergeSelectedUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private IntegrityEngine engine;
    private Session session;

    @BeforeEach
    void open(IntegrityEngine started) throws TimeoutException {
        engine = started;
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        session = TestAccounts.signIn(engine, Role.SUPPORT);
    }

    @AfterEach
    void close() throws Exception {
        ui.close();
    }

    @Test
    void mergesTheSelectedPairsAfterAPreviewWithOneReason() throws Exception {
        register("jane.doe@gmail.com", "Jane", "Doe");
        register("janedoe@outlook.com", "Jane", "Doe");
        register("grace.hopper@gmail.com", "Grace", "Hopper");
        register("gracehopper@outlook.com", "Grace", "Hopper");
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Duplicates");
        ui.waitUntil(() -> table().getItems().size() == 2, "the two likely pairs");
        assertThat(robot.lookup("#mergeSelectedButton").queryButton().isDisabled()).as("nothing selected").isTrue();

        robot.interact(() -> table().getSelectionModel().selectAll());
        assertThat(robot.lookup("#mergeSelectedButton").queryButton().isDisabled()).isFalse();
        ScreenCapture.save(robot, robot.lookup(".duplicates-page").query(), "duplicates-two-selected");
        robot.clickOn("#mergeSelectedButton");
        ui.waitForText("#bulkCount", "2 pairs will be merged.");
        ScreenCapture.save(robot, robot.lookup(".bulk-dialog").query(), "duplicates-merge-selected-preview");

        robot.clickOn("#bulkRun");
        ui.waitUntil(() -> ui.text("#bulkReasonError").startsWith("Give a reason first"), "the reason asked for");
        robot.interact(() -> robot.lookup("#bulkReason").queryAs(TextArea.class).setText("same people, confirmed by mail"));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#bulkRun");
        ui.waitUntil(() -> ui.text("#bulkSummary").startsWith("Finished: 2 of 2 pairs merged."), "the summary");
        ScreenCapture.save(robot, robot.lookup(".bulk-dialog").query(), "duplicates-merge-selected-summary");

        List<AuditEntry> merges = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("user.merge"), Optional.empty(),
                Optional.empty(), 10);
        assertThat(merges).hasSize(2).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo(session.username());
            assertThat(e.details()).hasValueSatisfying(d -> assertThat(d).endsWith(": same people, confirmed by mail"));
        });
        assertThat(merges.get(0).after().orElseThrow().path("bulk").asText()).isNotEmpty()
                .isEqualTo(merges.get(1).after().orElseThrow().path("bulk").asText());

        robot.clickOn("#bulkClose");
        ui.waitUntil(() -> table().getItems().isEmpty(), "the merged pairs gone from the list without Refresh");
    }

    @SuppressWarnings("unchecked")
    private TableView<Object> table() {
        return robot.lookup("#pairsTable").queryAs(TableView.class);
    }

    private void register(String email, String first, String last) {
        engine.registration().register(new RegistrationRequest(email, first, last, null));
    }
}
