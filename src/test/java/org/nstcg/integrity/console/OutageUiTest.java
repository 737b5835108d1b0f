package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.testfx.api.FxRobot;
import redis.embedded.RedisServer;

/** A Redis of the test's own, stopped and started under the open console: a warning banner, then recovery. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class OutageUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private RedisServer redis;
    private int port;

    @BeforeEach
    void start(TestDatabase slice) throws Exception {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
        port = TestServers.freePort();
        redis = startRedis();
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
        redis.stop();
    }

    @Test
    void redisLostShowsAWarningBannerAndTheConsoleRecoversWhenItReturns() throws Exception {
        IntegrityEngine engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CONSOLE_REFRESH, "1s",
                ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port)), ProgressListener.NONE);
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        ui.open(w -> w.showShell(engine, admin));
        ui.waitForText("#engineState", "HEALTHY");
        assertThat(robot.lookup(".banner").query().isVisible()).isFalse();

        redis.stop();

        ui.waitForText("#engineState", "DEGRADED");
        ui.waitUntil(() -> robot.lookup(".banner").query().isVisible(), "the banner");
        assertThat(ui.text("#bannerText")).startsWith("Redis at 127.0.0.1:" + port + " is unreachable");
        ui.waitForText("#usersValue", "0");
        ui.snapshot("outage-redis");

        redis = startRedis();

        ui.waitForText("#engineState", "HEALTHY");
        ui.waitUntil(() -> !robot.lookup(".banner").query().isVisible(), "the banner to go");
    }

    private RedisServer startRedis() throws java.io.IOException {
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        server.start();
        return server;
    }
}
