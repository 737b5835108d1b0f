package org.nstcg.integrity.console.users;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The Users and Duplicates screens over a real engine, as a support user. */
@IntegrityTest(perTest = true)
class UsersScreenUiTest {

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
    void close() throws Exception {
        ui.close();
    }

    @Test
    void findAUserByAMistypedReferralCode() throws Exception {
        RegistrationOutcome.Registered ada = register("ada@gmail.com", "Ada", "Lovelace");
        register("grace@example.org", "Grace", "Hopper");
        String code = ada.referralCode();
        int at = code.length() - 4;
        String mistyped = (code.substring(0, at) + (code.charAt(at) == '7' ? '8' : '7') + code.substring(at + 1)).toLowerCase();
        openShellAs(Role.SUPPORT);
        robot.clickOn("Users");
        WaitForAsyncUtils.waitForFxEvents();

        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#searchField").queryAs(TextField.class).isFocused()).as("Ctrl+F focuses the search").isTrue();
        robot.write(mistyped).type(KeyCode.ENTER);

        ui.waitForText("#summary", "1 user matches “" + mistyped + "”.");
        TableView<?> results = robot.lookup("#resultsTable").queryAs(TableView.class);
        assertThat(results.getItems()).hasSize(1);
        // The row's cells are laid out a pulse or more after the items are set: wait for the cell, then click it.
        ui.waitUntil(() -> robot.lookup("Ada Lovelace").tryQuery().isPresent(), "the result row");
        robot.clickOn("Ada Lovelace");
        ui.waitForText("#detailTitle", "Ada Lovelace");
        // Read on the FX thread's terms: the details are filled in one pulse, which the test thread may observe half-way.
        ui.waitForText("#detailSubtitle", "User " + ada.userId() + " · active");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(ui.text("#codes")).contains(code);
        snap("users-found");
    }

    @Test
    void mergeADuplicatePairAndUnmergeIt() throws Exception {
        RegistrationOutcome.Registered jane = register("jane.doe@gmail.com", "Jane", "Doe");
        RegistrationOutcome.Registered dup = register("janedoe@outlook.com", "Jane", "Doe");
        openShellAs(Role.SUPPORT);

        robot.clickOn("Duplicates");
        ui.waitUntil(() -> robot.lookup("#pairsTable").queryAs(TableView.class).getItems().size() == 1, "the likely pair");
        robot.clickOn("Likely");
        ui.waitUntil(() -> robot.lookup("#wizardHolder").query().isVisible(), "the merge wizard");
        String survivor = robot.lookup("#survivorField").queryAs(TextField.class).getText();
        String merged = robot.lookup("#duplicateField").queryAs(TextField.class).getText();
        assertThat(java.util.Set.of(survivor, merged)).containsExactlyInAnyOrder(Long.toString(jane.userId()), Long.toString(dup.userId()));

        snap("duplicates-pair");
        robot.clickOn("#previewButton");
        ui.waitUntil(() -> robot.lookup("#reasonBox").query().isVisible(), "the preview");
        assertThat(robot.lookup("#changesList").queryListView().getItems()).anyMatch(l -> l.toString().startsWith("user " + merged + " status active"));
        snap("duplicates-preview");
        robot.clickOn("#mergeButton");
        assertThat(ui.text("#error")).startsWith("Give a reason");
        robot.clickOn("#reasonField").write("same person, two mailboxes");
        robot.clickOn("#mergeButton");
        ui.waitUntil(() -> robot.lookup("#confirmBox").query().isVisible(), "the confirmation");
        snap("duplicates-confirm");
        robot.clickOn("#confirmMergeButton");
        ui.waitUntil(() -> ui.text("#message").startsWith("Merged user " + merged + " into user " + survivor), "the merge");
        assertThat(status(Long.parseLong(merged))).isEqualTo("merged");
        assertThat(robot.lookup("#undoButton").query().isVisible()).as("undo offered after the merge").isTrue();
        snap("duplicates-merged");

        robot.clickOn("Users");
        robot.clickOn("#searchField").write("#" + merged).type(KeyCode.ENTER);
        ui.waitUntil(() -> robot.lookup("#resultsTable").queryAs(TableView.class).getItems().size() == 1, "the merged user");
        robot.clickOn("Jane Doe");
        ui.waitUntil(() -> robot.lookup("#unmergeButton").query().isVisible(), "unmerge offered");
        assertThat(ui.text("#mergedNote")).startsWith("Merged into user " + survivor + " by support");
        robot.clickOn("#unmergeButton");
        robot.clickOn("#confirmUnmergeButton");
        assertThat(ui.text("#actionError")).startsWith("Give a reason");
        robot.clickOn("#unmergeReason").write("they are two people after all");
        robot.clickOn("#confirmUnmergeButton");

        ui.waitUntil(() -> ui.text("#actionMessage").startsWith("Unmerged user " + merged + " from user " + survivor), "the unmerge");
        ui.waitForText("#detailSubtitle", "User " + merged + " · active");
        assertThat(status(Long.parseLong(merged))).isEqualTo("active");
        snap("users-unmerged");
        assertThat(engine.audit().list(TestActors.OPERATOR, java.util.Optional.of("support"), java.util.Optional.of("user.*"), java.util.Optional.of(merged),
                java.util.Optional.empty(), 10)).extracting(e -> e.action()).containsExactly("user.unmerge", "user.merge");
    }

    /** Writes the window to /tmp/hu-NAME.png when -Dhu.snap is set (to look at the screens while developing). */
    private void snap(String name) {
        ScreenCapture.save(robot, robot.listTargetWindows().get(0).getScene().getRoot(), name);
    }

    private String status(long userId) {
        return engine.users().details(TestActors.OPERATOR, userId).orElseThrow().profile().status();
    }

    private void openShellAs(Role role) throws TimeoutException {
        Session session = TestAccounts.signIn(engine, role);
        ui.open(window -> window.showShell(engine, session));
    }

    private RegistrationOutcome.Registered register(String email, String first, String last) {
        return (RegistrationOutcome.Registered) engine.registration().register(new RegistrationRequest(email, first, last, null));
    }
}
