package org.nstcg.integrity.console.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.testfx.api.FxRobot;

/**
 * Issue 15 §2 on the Duplicates screen: the pairs are read on arrival and on the refresh timer, and the pair open
 * side by side follows what happened to it, without Refresh.
 */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class DuplicatesPanesStayCurrentUiTest {

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
    void arrivingAndTheRefreshTimerReadThePairsAgain() throws Exception {
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Duplicates");
        ui.waitUntil(() -> placeholder().equals("No duplicates found."), "no duplicates yet");
        ScreenCapture.save(robot, robot.lookup(".duplicates-page").query(), "duplicates-none");
        robot.clickOn("Users");

        register("jane.doe@gmail.com", "Jane", "Doe");
        register("janedoe@outlook.com", "Jane", "Doe");
        robot.clickOn("Duplicates");
        ui.waitUntil(() -> pairs() == 1, "the pair signed up meanwhile, on arrival");

        register("grace.hopper@gmail.com", "Grace", "Hopper");
        register("gracehopper@outlook.com", "Grace", "Hopper");
        ui.tickRefreshTimers();
        ui.waitUntil(() -> pairs() == 2, "the next pair, on the refresh timer");
    }

    @Test
    void afterAMergeTheCardSaysMergedAndAPairMergedElsewhereCloses() throws Exception {
        RegistrationOutcome.Registered jane = register("jane.doe@gmail.com", "Jane", "Doe");
        RegistrationOutcome.Registered janeToo = register("janedoe@outlook.com", "Jane", "Doe");
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Duplicates");
        ui.waitUntil(() -> pairs() == 1, "the likely pair");
        robot.clickOn("Likely");
        ui.waitUntil(() -> robot.lookup("#wizardHolder").query().isVisible(), "the merge wizard");
        String merged = robot.lookup("#duplicateField").queryAs(TextField.class).getText();
        String card = ui.text("#leftTitle").equals("user " + merged) ? "#leftText" : "#rightText";
        assertThat(ui.text(card)).endsWith("Status: active");

        robot.clickOn("#previewButton");
        ui.waitUntil(() -> robot.lookup("#reasonBox").query().isVisible(), "the preview");
        robot.clickOn("#reasonField").write("same person, two mailboxes");
        robot.clickOn("#mergeButton");
        ui.waitUntil(() -> robot.lookup("#confirmBox").query().isVisible(), "the confirmation");
        robot.clickOn("#confirmMergeButton");
        ui.waitUntil(() -> ui.text("#message").startsWith("Merged user " + merged), "the merge");

        long survivor = Long.parseLong(merged) == jane.userId() ? janeToo.userId() : jane.userId();
        ui.waitUntil(() -> ui.text(card).endsWith("Status: merged into user " + survivor), "the card to say the user is merged");
        assertThat(robot.lookup("#undoButton").query().isVisible()).isTrue();
        ScreenCapture.save(robot, robot.lookup(".duplicates-page").query(), "duplicates-merged-card");

        RegistrationOutcome.Registered grace = register("grace.hopper@gmail.com", "Grace", "Hopper");
        RegistrationOutcome.Registered graceToo = register("gracehopper@outlook.com", "Grace", "Hopper");
        ui.tickRefreshTimers();
        ui.waitUntil(() -> robot.lookup("Likely").tryQuery().isPresent(), "the new pair");
        robot.clickOn("Likely");
        ui.waitUntil(() -> ui.text("#leftTitle").contains("user " + grace.userId()) || ui.text("#rightTitle").contains("user " + grace.userId()),
                "Grace's pair open");
        engine.dedup().merges().merge(grace.userId(), graceToo.userId(), Actor.of(session), "merged on another console");
        ui.tickRefreshTimers();
        ui.waitUntil(() -> robot.lookup("#pairEmpty").query().isVisible(), "the pair merged elsewhere to close");
        assertThat(robot.lookup("#pairScroll").query().isVisible()).isFalse();
    }

    private int pairs() {
        return robot.lookup("#pairsTable").queryAs(TableView.class).getItems().size();
    }

    private String placeholder() {
        return ((Label) robot.lookup("#pairsTable").queryAs(TableView.class).getPlaceholder()).getText();
    }

    private RegistrationOutcome.Registered register(String email, String first, String last) {
        return (RegistrationOutcome.Registered) engine.registration().register(new RegistrationRequest(email, first, last, null));
    }
}
