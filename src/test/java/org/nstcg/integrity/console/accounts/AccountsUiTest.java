package org.nstcg.integrity.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.viewmodel.accounts.AccountRow;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;

/** An administrator manages accounts through the Accounts screen; each change is real and audited under their name. */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class AccountsUiTest {

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
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        ui.open(w -> {
            w.showShell(engine, admin);
            w.shell().orElseThrow().select(Feature.ACCOUNTS);
        });
        ui.waitUntil(() -> table().getItems().size() == 1, "the administrator's own account in the table");
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    @Test
    void createAnAccountChangeItsRoleAndDisableItAfterConfirming() throws Exception {
        robot.interact(() -> {
            robot.lookup("#newUsernameField").queryTextInputControl().setText("sam");
            robot.lookup("#newDisplayNameField").queryTextInputControl().setText("Sam Carter");
            robot.lookup("#newPasswordField").queryTextInputControl().setText("a long enough passphrase");
        });
        robot.clickOn("#createButton");
        ui.waitUntil(() -> table().getItems().size() == 2, "the new account in the table");
        assertThat(ui.text("#message")).isEqualTo("Created sam (Support).");
        assertThat(engine.accounts().signIn("sam", "a long enough passphrase")).isInstanceOf(SignInOutcome.SignedIn.class);

        robot.interact(() -> table().getSelectionModel().select(row("sam")));
        robot.interact(() -> robot.lookup("#roleChoice").queryAs(ChoiceBox.class).setValue("Operator"));
        robot.clickOn("#applyRoleButton");
        ui.waitUntil(() -> "Operator".equals(row("sam").role()), "the new role in the table");

        robot.clickOn("#disableButton");
        ui.waitUntil(() -> robot.lookup("#confirmBox").query().isVisible(), "the confirmation");
        assertThat(engine.accounts().signIn("sam", "a long enough passphrase")).as("nothing disabled before confirming")
                .isInstanceOf(SignInOutcome.SignedIn.class);
        ui.snapshot("accounts-confirm-disable");
        robot.clickOn("#confirmButton");
        ui.waitUntil(() -> "Disabled".equals(row("sam").status()), "the disabled status");
        assertThat(engine.accounts().signIn("sam", "a long enough passphrase")).isEqualTo(new SignInOutcome.Disabled());

        assertThat(engine.audit().list(TestActors.OPERATOR, Optional.of(TestAccounts.ADMIN), Optional.empty(), Optional.of("sam"), Optional.empty(), 10))
                .extracting(AuditEntry::action).contains("account.created", "account.role_changed", "account.disabled");
    }

    @Test
    void aWeakPasswordIsRefusedWithASentenceAndNothingIsCreated() throws Exception {
        robot.interact(() -> {
            robot.lookup("#newUsernameField").queryTextInputControl().setText("sam");
            robot.lookup("#newDisplayNameField").queryTextInputControl().setText("Sam Carter");
            robot.lookup("#newPasswordField").queryTextInputControl().setText("short");
        });
        robot.clickOn("#createButton");

        ui.waitUntil(() -> ui.text("#message").equals("Use a password of at least 12 characters."), "the password rule");
        assertThat(table().getItems()).hasSize(1);
        ui.snapshot("accounts-weak-password");
    }

    @SuppressWarnings("unchecked")
    private TableView<AccountRow> table() {
        return robot.lookup("#accountsTable").queryAs(TableView.class);
    }

    private AccountRow row(String username) {
        return table().getItems().stream().filter(r -> r.username().equals(username)).findFirst().orElseThrow();
    }
}
