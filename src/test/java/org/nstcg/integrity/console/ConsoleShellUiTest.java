package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The shell over a real engine: live overview figures, server health in the status bar, navigation. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class ConsoleShellUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void createFixture(TestDatabase slice) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
    }

    @AfterEach
    void closeShell() throws Exception {
        ui.close();
    }

    @Test
    void overviewShowsTheFiguresAndReadsThemAgainOnRefresh() throws Exception {
        openShell("1h");
        ui.waitForText("#usersValue", "0");
        assertThat(ui.text("#lastUpdateValue")).isEqualTo("No users yet");

        insertUser("Ada@example.org", "ADA-0001");
        insertUser("grace@example.org", "GRACE-0002");
        assertThat(ui.text("#usersValue")).as("no timer refresh within the hour").isEqualTo("0");
        robot.clickOn("#refreshButton");

        ui.waitForText("#usersValue", "2");
        assertThat(ui.text("#activeUsersValue")).isEqualTo("2");
        assertThat(ui.text("#referralCodesValue")).isEqualTo("2");
        assertThat(ui.text("#lastUpdateValue")).isEqualTo("just now");
        assertThat(ui.text("#updatedAt")).matches("Updated \\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void overviewRefreshesByItselfOnTheConsoleRefreshPeriod() throws Exception {
        openShell("1s");
        ui.waitForText("#usersValue", "0");

        insertUser("ada@example.org", "ADA-0001");

        ui.waitForText("#usersValue", "1");
    }

    @Test
    void statusBarShowsPostgreSqlAndRedisUp() throws Exception {
        openShell("1h");
        ui.waitForText("#engineState", "HEALTHY");

        assertThat(ui.text("#databaseStatus")).startsWith("PostgreSQL ")
                .endsWith(" · external · " + engine.database().settings().endpoint());
        assertThat(robot.lookup("#databaseStatus").query().getPseudoClassStates())
                .doesNotContain(PseudoClass.getPseudoClass("down"));
        assertThat(ui.text("#redisStatus")).startsWith("Redis ").contains(" · external · ");
        assertThat(robot.lookup(".banner").query().isVisible()).as("no PostgreSQL banner while it is up").isFalse();
    }

    @Test
    void navigationShowsAnotherScreenAndCtrl1ReturnsToTheOverview() throws Exception {
        openShell("1h");
        ui.waitForText("#usersValue", "0");

        robot.clickOn("Sagas");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup("#usersValue").tryQuery()).as("overview left the content area").isEmpty();

        robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#usersValue").tryQuery()).isPresent();
    }

    @Test
    void aNewAlertPopsUpAsANotification() throws Exception {
        openShell("1h");
        ui.waitForText("#usersValue", "0");

        engine.alerts().raise(new Alert("critical", "duplicate-referral-codes", "users", "2 referral codes are shared by more than one user.",
                java.time.Instant.now()));

        ui.waitUntil(() -> robot.lookup(".notification-bar").tryQuery().isPresent()
                && robot.lookup("2 referral codes are shared by more than one user.").tryQuery().isPresent(), "the notification");
    }

    @Test
    void anAlertRaisedOnAnotherEngineInstancePopsUpFromTheAlertLog() throws Exception {
        openShell("1s");
        ui.waitForText("#usersValue", "0");

        try (IntegrityEngine other = db.startEngine()) {
            other.alerts().raise(new Alert("warning", "saga.rollback-rate", "sagas", "3.2% of sagas rolled back on the other server.",
                    java.time.Instant.now()));
            ui.waitUntil(() -> robot.lookup("3.2% of sagas rolled back on the other server.").tryQuery().isPresent(),
                    "the other instance's alert as a notification");
        }
    }

    private void openShell(String refresh) throws TimeoutException {
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CONSOLE_REFRESH, refresh)), ProgressListener.NONE);
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        ui.open(window -> window.showShell(engine, admin));
    }

    private void insertUser(String email, String code) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO users (email, email_normalized, referral_code, first_name) VALUES (?, ?, ?, ?)")) {
            st.setString(1, email);
            st.setString(2, email.toLowerCase(Locale.ROOT));
            st.setString(3, code);
            st.setString(4, email.substring(0, email.indexOf('@')));
            st.executeUpdate();
        }
    }
}
