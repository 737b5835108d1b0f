package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.sagas.BrokenSagas;
import org.nstcg.integrity.console.viewmodel.sagas.SagaRow;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Deep links in the window (issue 15 §5): a window started with an open request ({@code --open saga/<id>}) lands on that
 * saga once the user has signed in through the form; a link the role may not open, or to a saga that does not exist, says
 * so on the screen it lands on; a row's context menu copies its link.
 */
@IntegrityTest(perTest = true, settings = "console.refresh=1h")
class DeepLinkUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private IntegrityEngine engine;
    private ConsoleWindow window;

    @BeforeEach
    void start(IntegrityEngine started) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        engine = started;
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    @Test
    void anOpenRequestLandsOnTheSagaAfterSignInAndItsRowCopiesTheLink() throws Exception {
        UUID saga = BrokenSagas.needingAttention(engine, "order 17");
        BrokenSagas.needingAttention(engine, "order 18");

        signInWith(DeepLink.saga(saga), Role.OPERATOR);

        ui.waitUntil(() -> robot.lookup("#sagaTable").tryQuery().isPresent(), "the sagas screen");
        assertThat(selectedScreen()).isEqualTo("Sagas");
        ui.waitUntil(() -> robot.lookup("#detailTitle").tryQuery().map(n -> ((Label) n).getText()).orElse("").equals("probe · order 17"),
                "the linked saga's details");
        assertThat(ui.text("#detailStatus")).isEqualTo("Needs attention");
        assertThat(ui.text("#detailFacts")).startsWith("Saga " + saga);
        ui.waitUntil(() -> saga.toString().equals(selectedRowId()), "the linked saga's row selected");
        ui.snapshot("deep-link-saga");
        ScreenCapture.save(robot, robot.lookup("#sagaTable").query().getScene().getRoot(), "deep-link-saga");

        // Copy link, from the row's context menu, puts the same text on the clipboard.
        MenuItem copyLink = contextMenuItemOfSelectedRow("Copy link");
        robot.interact(copyLink::fire);
        assertThat(clipboard()).isEqualTo("integrity://saga/" + saga);

        // A link to a saga that does not exist says so where the saga would be, never with the previous one's timeline.
        UUID missing = UUID.fromString("00000000-0000-4000-8000-000000000042");
        robot.interact(() -> window.shell().orElseThrow().open(DeepLink.saga(missing)));
        ui.waitUntil(() -> ui.text("#detailProblem").startsWith("Saga " + missing + " was not found"), "the not-found message");
        assertThat(robot.lookup("#detailProblem").query().isVisible()).isTrue();
        assertThat(robot.lookup("#detail").query().isVisible()).as("no stale timeline").isFalse();
        assertThat(selectedRowId()).as("no other row looks chosen").isNull();
        ui.snapshot("deep-link-saga-not-found");
    }

    @Test
    void aRoleThatMayNotSeeSagasIsToldSoWhereItLands() throws Exception {
        UUID saga = BrokenSagas.needingAttention(engine, "order 19");

        signInWith(DeepLink.saga(saga), Role.SUPPORT);

        ui.waitUntil(() -> robot.lookup("#linkNotice").tryQuery().map(Node::isVisible).orElse(false), "the link notice");
        assertThat(ui.text("#linkNoticeText")).isEqualTo("Your role (support) cannot open sagas: integrity://saga/" + saga
                + " needs the Sagas screen. Ask an operator or administrator to open it.");
        assertThat(selectedScreen()).isEqualTo("Overview");
        ui.snapshot("deep-link-role");

        robot.clickOn("#dismissLinkNoticeButton");
        ui.waitUntil(() -> !robot.lookup("#linkNotice").query().isVisible(), "the notice dismissed");
    }

    private void signInWith(DeepLink link, Role role) throws TimeoutException {
        TestAccounts.signIn(engine, role);
        window = ui.open(w -> {
            w.openAfterSignIn(link);
            w.showAccess(engine);
        });
        ui.waitUntil(() -> robot.lookup("#signInButton").tryQuery().isPresent(), "the sign-in form");
        robot.interact(() -> {
            robot.lookup("#usernameField").queryTextInputControl().setText(TestAccounts.username(role));
            robot.lookup("#passwordField").queryTextInputControl().setText(TestAccounts.PASSWORD);
        });
        robot.clickOn("#signInButton");
        ui.waitUntil(() -> robot.lookup("#userName").tryQuery().isPresent(), "the shell");
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String selectedScreen() {
        return robot.lookup(".nav-item").queryAllAs(ToggleButton.class).stream().filter(ToggleButton::isSelected)
                .map(ToggleButton::getText).findFirst().orElse("");
    }

    @SuppressWarnings("unchecked")
    private String selectedRowId() {
        SagaRow row = ((TableView<SagaRow>) robot.lookup("#sagaTable").query()).getSelectionModel().getSelectedItem();
        return row == null ? null : row.id();
    }

    private MenuItem contextMenuItemOfSelectedRow(String text) {
        TableCell<?, ?> cell = robot.lookup("#sagaTable .table-cell").queryAllAs(TableCell.class).stream()
                .filter(c -> c.getTableRow() != null && c.getTableRow().isSelected() && c.getContextMenu() != null)
                .findFirst().orElseThrow(() -> new AssertionError("no cell of the selected row has a context menu"));
        robot.interact(() -> cell.getContextMenu().show(cell, 0, 0));
        MenuItem item = cell.getContextMenu().getItems().stream().filter(i -> text.equals(i.getText())).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + text + "' in the context menu"));
        assertThat(item.isVisible()).isTrue();
        robot.interact(() -> cell.getContextMenu().hide());
        return item;
    }

    private String clipboard() {
        String[] text = new String[1];
        robot.interact(() -> text[0] = Clipboard.getSystemClipboard().getString());
        return text[0];
    }
}
