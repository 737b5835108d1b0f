package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.console.service.JavaFxTaskRunner;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The start screen: an unreachable PostgreSQL shows the connection form; a corrected URL and Retry open the shell. */
class ConnectionScreenUiTest {

    private final FxRobot robot = new FxRobot();
    private TestDatabase db;
    private JavaFxTaskRunner runner;
    private ConsoleWindow window;

    @TempDir
    Path home;

    @BeforeAll
    static void startToolkit() throws TimeoutException {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (window != null) {
            robot.interact(window::stopRefreshing);
        }
        FxToolkit.cleanupStages();
        if (runner != null) {
            runner.shutdown();
        }
        if (window != null) {
            window.engine().ifPresent(IntegrityEngine::close);
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void unreachablePostgreSqlShowsTheFormAndRetryWithTheRightUrlOpensTheShell() throws Exception {
        db = TestDatabase.create();
        int closedPort = TestServers.freePort();
        String unreachableUrl = "jdbc:postgresql://127.0.0.1:" + closedPort + "/integrity";
        ConfigRequest request = new ConfigRequest(Optional.empty(), Map.of(
                ConfigKey.DB_URL, unreachableUrl,
                ConfigKey.DB_CONNECT_TIMEOUT, "1s",
                ConfigKey.DB_USER, TestServers.dbUser(),
                ConfigKey.DB_PASSWORD, TestServers.dbPassword(),
                ConfigKey.DB_SCHEMA, db.schema(),
                ConfigKey.REDIS_URL, TestServers.redisUrl(),
                ConfigKey.REDIS_KEY_PREFIX, db.redisPrefix(),
                ConfigKey.DATA_DIR, Files.createDirectories(home.resolve("data")).toString()));

        openStartScreen(request);

        waitUntil(() -> robot.lookup("#errorText").tryQuery().map(n -> n.isVisible()).orElse(false)
                && !text("#errorText").isEmpty(), "the connection error");
        assertThat(text("#errorText")).contains("db.url").contains("127.0.0.1:" + closedPort).doesNotContain("Exception");
        assertThat(text("#errorTitle")).isEqualTo("Cannot connect");
        TextField urlField = robot.lookup("#dbUrlField").queryAs(TextField.class);
        assertThat(urlField.getText()).as("prefilled from the config that failed").isEqualTo(unreachableUrl);
        assertThat(robot.lookup("#retryButton").tryQuery()).isPresent();
        assertThat(robot.lookup("#embeddedButton").tryQuery()).isPresent();

        robot.interact(urlField::clear);
        robot.clickOn(urlField).write(TestServers.jdbcUrl());
        robot.clickOn("#retryButton");

        waitUntil(() -> robot.lookup("#usersValue").tryQuery().isPresent(), "the shell");
        waitUntil(() -> "0".equals(text("#usersValue")), "the overview figures");
        IntegrityEngine engine = window.engine().orElseThrow();
        assertThat(engine.config().dbUrl()).contains(TestServers.jdbcUrl());
        assertThat(engine.config().value(ConfigKey.DB_URL).source().kind()).isEqualTo(ConfigSource.Kind.CONSOLE);
        assertThat(engine.config().dbSchema()).as("retry keeps the other settings").isEqualTo(db.schema());
        assertThat(engine.config().redisKeyPrefix()).isEqualTo(db.redisPrefix());
    }

    private void openStartScreen(ConfigRequest request) throws TimeoutException {
        runner = new JavaFxTaskRunner();
        ConfigLoader isolated = new ConfigLoader(Map.of(), home);
        FxToolkit.setupStage(stage -> {
            window = new ConsoleWindow(stage, runner, Clock.systemDefaultZone());
            window.showConnect(request, isolated);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String text(String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition, String what) throws TimeoutException {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }
}
