package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.JavaFxTaskRunner;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The shell over a real engine: live overview figures, server health in the status bar, navigation. */
class ConsoleShellUiTest {

    private final FxRobot robot = new FxRobot();
    private TestDatabase db;
    private IntegrityEngine engine;
    private JavaFxTaskRunner runner;
    private ConsoleWindow window;

    @BeforeAll
    static void startToolkit() throws TimeoutException {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void closeShell() throws Exception {
        if (window != null) {
            robot.interact(window::stopRefreshing);
        }
        FxToolkit.cleanupStages();
        if (runner != null) {
            runner.shutdown();
        }
        if (engine != null) {
            engine.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void overviewShowsTheFiguresAndReadsThemAgainOnRefresh() throws Exception {
        openShell("1h");
        waitForText("#usersValue", "0");
        assertThat(text("#lastUpdateValue")).isEqualTo("No users yet");

        insertUser("ada@example.org", "ADA-0001");
        insertUser("grace@example.org", "GRACE-0002");
        assertThat(text("#usersValue")).as("no timer refresh within the hour").isEqualTo("0");
        robot.clickOn("#refreshButton");

        waitForText("#usersValue", "2");
        assertThat(text("#activeUsersValue")).isEqualTo("2");
        assertThat(text("#referralCodesValue")).isEqualTo("2");
        assertThat(text("#lastUpdateValue")).isEqualTo("just now");
        assertThat(text("#updatedAt")).matches("Updated \\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void overviewRefreshesByItselfOnTheConsoleRefreshPeriod() throws Exception {
        openShell("1s");
        waitForText("#usersValue", "0");

        insertUser("ada@example.org", "ADA-0001");

        waitForText("#usersValue", "1");
    }

    @Test
    void statusBarShowsPostgreSqlAndRedisUp() throws Exception {
        openShell("1h");
        waitForText("#engineState", "HEALTHY");

        Label database = robot.lookup("#databaseStatus").queryAs(Label.class);
        assertThat(database.getText()).startsWith("PostgreSQL ").contains(" · external · " + engine.database().settings().endpoint());
        assertThat(database.getPseudoClassStates()).doesNotContain(PseudoClass.getPseudoClass("down"));
        assertThat(text("#redisStatus")).startsWith("Redis ").contains(" · external · ");
        assertThat(robot.lookup(".banner").query().isVisible()).as("no PostgreSQL banner while it is up").isFalse();
    }

    @Test
    void navigationShowsThePlaceholderOfScreensToComeAndCtrl1ReturnsToTheOverview() throws Exception {
        openShell("1h");
        waitForText("#usersValue", "0");

        robot.clickOn("Sagas");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup("Sagas arrives in a later release").tryQuery()).isPresent();
        assertThat(robot.lookup("#usersValue").tryQuery()).as("overview left the content area").isEmpty();

        robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#usersValue").tryQuery()).isPresent();
    }

    private void openShell(String refresh) throws TimeoutException {
        db = TestDatabase.create();
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CONSOLE_REFRESH, refresh)), ProgressListener.NONE);
        runner = new JavaFxTaskRunner();
        FxToolkit.setupStage(stage -> {
            window = new ConsoleWindow(stage, runner, Clock.systemDefaultZone());
            window.showShell(engine);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void insertUser(String email, String code) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO users (email, email_normalized, referral_code, first_name) VALUES (?, ?, ?, ?)")) {
            st.setString(1, email);
            st.setString(2, email.toLowerCase(java.util.Locale.ROOT));
            st.setString(3, code);
            st.setString(4, email.substring(0, email.indexOf('@')));
            st.executeUpdate();
        }
    }

    private String text(String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private void waitForText(String query, String expected) throws TimeoutException {
        try {
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> expected.equals(text(query)));
        } catch (TimeoutException e) {
            throw new AssertionError(query + " should read '" + expected + "' but reads '" + text(query) + "'", e);
        }
    }
}
