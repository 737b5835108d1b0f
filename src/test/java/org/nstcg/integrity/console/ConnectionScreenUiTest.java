package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.testfx.api.FxRobot;

/** The start screen: an unreachable PostgreSQL shows the connection form; a corrected URL and Retry open the shell. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class ConnectionScreenUiTest {

    @TempDir
    Path home;

    private ConsoleWindowFixture ui;

    @AfterEach
    void closeWindow() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    void unreachablePostgreSqlShowsTheFormAndRetryWithTheRightUrlOpensTheShell(TestDatabase db) throws Exception {
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
        ConfigLoader withoutUserEnvironment = new ConfigLoader(Map.of(), home);
        ui = new ConsoleWindowFixture();
        FxRobot robot = ui.robot();

        ConsoleWindow window = ui.open(w -> w.showConnect(request, withoutUserEnvironment));

        ui.waitUntil(() -> robot.lookup("#errorText").query().isVisible() && !ui.text("#errorText").isEmpty(),
                "the connection error");
        assertThat(ui.text("#errorText")).contains("db.url").contains("127.0.0.1:" + closedPort).doesNotContain("Exception");
        assertThat(ui.text("#errorTitle")).isEqualTo("Cannot connect");
        TextField urlField = robot.lookup("#dbUrlField").queryAs(TextField.class);
        assertThat(urlField.getText()).as("prefilled from the config that failed").isEqualTo(unreachableUrl);
        assertThat(robot.lookup("#retryButton").tryQuery()).isPresent();
        assertThat(robot.lookup("#embeddedButton").tryQuery()).isPresent();

        robot.interact(urlField::clear);
        robot.clickOn(urlField).write(TestServers.jdbcUrl());
        robot.clickOn("#retryButton");

        ui.waitUntil(() -> robot.lookup("#displayNameField").tryQuery().isPresent(),
                "the first-administrator form (a fresh database has no accounts)");
        IntegrityEngine engine = window.engine().orElseThrow();
        assertThat(engine.config().dbUrl()).contains(TestServers.jdbcUrl());
        assertThat(engine.config().value(ConfigKey.DB_URL).source().kind()).isEqualTo(ConfigSource.Kind.CONSOLE);
        assertThat(engine.config().dbSchema()).as("retry keeps the other settings").isEqualTo(db.schema());
        assertThat(engine.config().redisKeyPrefix()).isEqualTo(db.redisPrefix());
    }
}
