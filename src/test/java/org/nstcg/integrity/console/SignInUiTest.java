package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.ToggleButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Sign-in as users meet it: first launch, each role sees only its screens, wrong passwords, lock-out, sign-out. */
@IntegrityTest(perTest = true, settings = {"console.refresh=1h", "console.lockout-attempts=3"})
class SignInUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
        engine = started;
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    @Test
    void firstLaunchAsksForTheFirstAdministratorThenSignsThemIn() throws Exception {
        ui.open(w -> w.showAccess(engine));
        ui.waitUntil(() -> robot.lookup("#displayNameField").tryQuery().isPresent(), "the first-administrator form");

        robot.clickOn("#usernameField").write("grace");
        robot.clickOn("#displayNameField").write("Grace Hopper");
        robot.clickOn("#passwordField").write("a long enough passphrase");
        robot.clickOn("#confirmationField").write("a long enough passphrase, typo");
        robot.clickOn("#createButton");
        ui.waitUntil(() -> ui.text("#message").contains("differ"), "the mismatch message");
        assertThat(engine.accounts().hasAccounts()).isFalse();

        robot.interact(() -> robot.lookup("#confirmationField").queryTextInputControl().setText("a long enough passphrase"));
        robot.clickOn("#createButton");

        ui.waitUntil(() -> robot.lookup("#userName").tryQuery().isPresent(), "the shell");
        assertThat(ui.text("#userName")).isEqualTo("Grace Hopper");
        assertThat(ui.text("#roleName")).isEqualTo("Administrator");
        assertThat(navigation()).containsExactly("Overview", "Duplicates", "Sagas", "Cache", "Users", "Repairs", "Audit", "Accounts");
    }

    @Test
    void supportSeesLookupAndDuplicatesOnly() throws Exception {
        signInThroughTheForm(Role.SUPPORT);

        assertThat(ui.text("#roleName")).isEqualTo("Support");
        assertThat(navigation()).containsExactly("Overview", "Duplicates", "Users");
    }

    @Test
    void operatorSeesSagasCacheAndRepairsOnly() throws Exception {
        signInThroughTheForm(Role.OPERATOR);

        assertThat(ui.text("#roleName")).isEqualTo("Operator");
        assertThat(navigation()).containsExactly("Overview", "Sagas", "Cache", "Repairs");
    }

    @Test
    void wrongPasswordsSaySoAndLockTheAccountAfterTheConfiguredNumber() throws Exception {
        TestAccounts.signIn(engine, Role.SUPPORT);
        ui.open(w -> w.showSignIn(engine));

        for (int i = 1; i <= 2; i++) {
            attempt("support", "not the password " + i);
            ui.waitUntil(() -> ui.text("#message").startsWith(SignInOutcome.FAILED), "the failed sign-in message");
        }
        assertThat(ui.text("#message")).contains("After 3 failed attempts in a row the account is locked for 15 min");
        assertThat(robot.lookup("#passwordField").queryTextInputControl().getText()).as("cleared after an attempt").isEmpty();

        // issue 14 §6: a locked account says what a wrong password says; only the audit trail tells it is locked
        attempt("support", "not the password 3");
        ui.waitUntil(() -> ui.text("#message").startsWith(SignInOutcome.FAILED), "the same message at the lock-out");
        attempt("support", TestAccounts.PASSWORD);
        ui.waitUntil(() -> ui.text("#message").startsWith(SignInOutcome.FAILED), "the same message while locked");
        assertThat(engine.audit().list(TestActors.OPERATOR, Optional.of("support"), Optional.empty(), Optional.of("support"),
                Optional.empty(), 20)).extracting(AuditEntry::action).contains("account.locked", "console.sign_in_refused");
        assertThat(robot.lookup("#userName").tryQuery()).as("not signed in").isEmpty();
    }

    @Test
    void signOutReturnsToTheSignInForm() throws Exception {
        signInThroughTheForm(Role.OPERATOR);

        robot.clickOn("#signOutButton");

        ui.waitUntil(() -> robot.lookup("#signInButton").tryQuery().isPresent(), "the sign-in form");
        assertThat(robot.lookup("#userName").tryQuery()).isEmpty();
    }

    private void signInThroughTheForm(Role role) throws TimeoutException {
        TestAccounts.signIn(engine, role);
        ui.open(w -> w.showAccess(engine));
        ui.waitUntil(() -> robot.lookup("#signInButton").tryQuery().isPresent(), "the sign-in form");
        attempt(TestAccounts.username(role), TestAccounts.PASSWORD);
        ui.waitUntil(() -> robot.lookup("#userName").tryQuery().isPresent(), "the shell");
        assertThat(ui.text("#userName")).isEqualTo(TestAccounts.displayName(role));
        // Let the shell finish building its first screen before a click looks nodes up (the lookup walks the tree).
        ui.waitUntil(() -> robot.lookup("#updatedAt").tryQuery().map(n -> ((javafx.scene.control.Label) n).getText())
                .filter(t -> t.startsWith("Updated")).isPresent(), "the overview's first figures");
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void anErrorAppearingMovesNeitherTheSignInButtonNorTheSetupButton() throws Exception {
        ui.open(w -> w.showAccess(engine));
        ui.waitUntil(() -> robot.lookup("#createButton").tryQuery().isPresent(), "the first-administrator form");
        double createBefore = sceneY("#createButton");
        robot.interact(() -> {
            robot.lookup("#usernameField").queryTextInputControl().setText("grace");
            robot.lookup("#displayNameField").queryTextInputControl().setText("Grace Hopper");
            robot.lookup("#passwordField").queryTextInputControl().setText("a long enough passphrase");
            robot.lookup("#confirmationField").queryTextInputControl().setText("a long enough passphrase, typo");
        });
        robot.clickOn("#createButton");
        ui.waitUntil(() -> ui.text("#message").contains("differ"), "the mismatch message");
        assertThat(sceneY("#createButton")).as("the create button after the error").isEqualTo(createBefore);
        ScreenCapture.save(robot, robot.lookup("#createButton").query().getScene().getRoot(), "setup-error");

        TestAccounts.signIn(engine, Role.SUPPORT);
        ui.open(w -> w.showSignIn(engine));
        ui.waitUntil(() -> robot.lookup("#signInButton").tryQuery().isPresent(), "the sign-in form");
        double signInBefore = sceneY("#signInButton");
        attempt("support", "not the password");
        ui.waitUntil(() -> ui.text("#message").startsWith(SignInOutcome.FAILED), "the failed sign-in message");
        assertThat(sceneY("#signInButton")).as("the sign-in button after the error").isEqualTo(signInBefore);
        ScreenCapture.save(robot, robot.lookup("#signInButton").query().getScene().getRoot(), "signin-error");
    }

    /** Where a node's top is in its scene, once layout has settled. */
    private double sceneY(String query) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return WaitForAsyncUtils.asyncFx(() -> {
            javafx.scene.Node node = robot.lookup(query).query();
            node.getScene().getRoot().applyCss();
            node.getScene().getRoot().layout();
            return node.localToScene(0, 0).getY();
        }).get();
    }

    private void attempt(String username, String password) {
        robot.interact(() -> {
            robot.lookup("#usernameField").queryTextInputControl().setText(username);
            robot.lookup("#passwordField").queryTextInputControl().setText(password);
        });
        robot.clickOn("#signInButton");
    }

    private java.util.List<String> navigation() {
        return robot.lookup("#navItems").queryAs(javafx.scene.layout.VBox.class).getChildren().stream()
                .map(node -> ((ToggleButton) node).getText()).toList();
    }
}
