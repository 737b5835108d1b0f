package org.nstcg.integrity.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ScreenCapture;
import org.nstcg.integrity.support.TestAccounts;
import org.testfx.api.FxRobot;

/**
 * Regression (issue 15 §3): with Redis down the divergence tile read "0 % · nothing cached to compare · sampled just
 * now". Over an engine whose Redis does not answer (nothing listens on port 1), the tile says the figure is not
 * measured and since when.
 */
@IntegrityTest(perTest = true, settings = {"console.refresh=1h", "cache.sample-interval=1h", "redis.url=redis://127.0.0.1:1",
        "redis.timeout=200ms"})
class OverviewRedisDownUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;

    @BeforeEach
    void createFixture() throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
    }

    @AfterEach
    void close() throws Exception {
        ui.close();
    }

    @Test
    void theDivergenceTileSaysNotMeasuredSinceRedisBecameUnreachable(IntegrityEngine engine) throws TimeoutException {
        ui.open(window -> window.showShell(engine, TestAccounts.signIn(engine, Role.OPERATOR)));

        ui.waitForText("#divergenceValue", "Not measured");
        assertThat(ui.text("#divergenceDetail")).matches("Redis unreachable since \\d\\d:\\d\\d · nothing can be compared");
        assertThat(robot.lookup("#divergenceTile").query().getPseudoClassStates()).contains(PseudoClass.getPseudoClass("attention"));
        ScreenCapture.save(robot, robot.lookup(".page").query(), "overview-redis-down");
    }
}
