package org.nstcg.integrity.console.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.testfx.api.FxRobot;

/**
 * Issue 15 §2 on the Users screen: after a search, an action or a refresh tick, the results and the details show
 * what is true now, without Refresh.
 */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class UsersPanesStayCurrentUiTest {

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
    void aNewSearchEmptiesTheDetailsOfAUserItDoesNotFindAndNoMatchNamesTheSearch() throws Exception {
        register("ada@gmail.com", "Ada", "Lovelace");
        register("grace@example.org", "Grace", "Hopper");
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Users");
        search("ada");
        ui.waitForText("#summary", "1 user matches “ada”.");
        ui.waitUntil(() -> robot.lookup("Ada Lovelace").tryQuery().isPresent(), "the result row");
        robot.clickOn("Ada Lovelace");
        ui.waitForText("#detailTitle", "Ada Lovelace");

        search("grace");
        ui.waitForText("#summary", "1 user matches “grace”.");
        ui.waitUntil(() -> robot.lookup("#detailsEmpty").query().isVisible(), "the details of Ada to go");
        assertThat(robot.lookup("#detailsScroll").query().isVisible()).isFalse();

        search("nobody-like-this");
        ui.waitForText("#summary", "No user matches “nobody-like-this”. Try the full address, a first or last name, or a referral code.");
        assertThat(((Label) robot.lookup("#resultsTable").queryAs(TableView.class).getPlaceholder()).getText())
                .isEqualTo("No user matches “nobody-like-this”.");
        ScreenCapture.save(robot, robot.lookup(".users-page").query(), "users-no-match");
    }

    @Test
    void aMergeMadeElsewhereShowsInTheOpenUserOnTheRefreshTimer() throws Exception {
        RegistrationOutcome.Registered ada = register("ada@gmail.com", "Ada", "Lovelace");
        RegistrationOutcome.Registered other = register("ada.lovelace@outlook.com", "Ada", "Lovelace");
        ui.open(window -> window.showShell(engine, session));
        robot.clickOn("Users");
        search("#" + other.userId());
        ui.waitUntil(() -> robot.lookup("#resultsTable").queryAs(TableView.class).getItems().size() == 1, "the user");
        robot.clickOn("Ada Lovelace");
        ui.waitForText("#detailSubtitle", "User " + other.userId() + " · active");

        MergeOutcome merged = engine.dedup().merges().merge(ada.userId(), other.userId(), Actor.of(session), "same person, other console");
        assertThat(merged).isInstanceOf(MergeOutcome.Merged.class);
        ui.tickRefreshTimers();

        ui.waitForText("#detailSubtitle", "User " + other.userId() + " · merged into user " + ada.userId());
        ui.waitUntil(() -> ui.text("#mergedNote").startsWith("Merged into user " + ada.userId()), "the merge note");
        ScreenCapture.save(robot, robot.lookup(".users-page").query(), "users-merged-elsewhere");
    }

    private void search(String text) {
        robot.interact(() -> robot.lookup("#searchField").queryAs(TextField.class).setText(text));
        robot.clickOn("#searchField").type(KeyCode.ENTER);
    }

    private RegistrationOutcome.Registered register(String email, String first, String last) {
        return (RegistrationOutcome.Registered) engine.registration().register(new RegistrationRequest(email, first, last, null));
    }
}
