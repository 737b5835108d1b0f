package org.nstcg.integrity.console.cache;

import org.nstcg.integrity.support.ScreenCapture;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import redis.embedded.RedisServer;

/** The cache screen over a real engine, as an operator uses it. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class CacheScreenUiTest {

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
    void rebuildingTheCacheShowsProgressReachingFullAndIsAuditedUnderTheOperator() throws Exception {
        openCache(Map.of());
        registerUsers(5);

        click("#rebuildButton");

        ui.waitUntil(() -> progress() == 1.0 && ui.text("#rebuildStatus").startsWith("Rebuilt every pattern: "), "the rebuild to finish");
        List<AuditEntry> audit = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("cache.rebuild"), Optional.empty(), Optional.empty(), 10);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).actor()).isEqualTo(TestAccounts.username(Role.OPERATOR));
        assertThat(audit.get(0).targetId()).contains("*");
        long written = audit.get(0).after().orElseThrow().path("written").asLong();
        assertThat(written).as("5 users, their 5 codes, the count and the leaderboard").isGreaterThanOrEqualTo(12);
        assertThat(ui.text("#rebuildStatus")).startsWith("Rebuilt every pattern: " + written + " entries written in ");
        assertThat(robot.lookup("#cancelRebuildButton").query().isVisible()).as("cancel only while running").isFalse();
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-rebuilt");
    }

    @Test
    void theChartIsEmptyUntilSamplesExistThenDrawsALinePerKeyPattern() throws Exception {
        openCache(Map.of());
        ui.waitUntil(() -> ui.text("#chartEmptyText").startsWith("No divergence samples in the last hour yet."), "the empty chart");
        assertThat(robot.lookup("#chartEmpty").query().isVisible()).isTrue();
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-empty");

        long id = registerUsers(2).get(0);
        engine.cache().user(id);
        engine.cacheDivergence().sampleNow();
        click("#refreshButton");

        ui.waitUntil(() -> !robot.lookup("#chartEmpty").query().isVisible(), "the chart to show samples");
        LineChart<?, ?> chart = robot.lookup("#chart").queryAs(LineChart.class);
        assertThat(chart.getData()).extracting(s -> s.getName()).containsExactly("user:*", "referral:*", "count:*", "leaderboard:*");
        assertThat(chart.getData().get(0).getData()).hasSize(1);
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-chart");
    }

    @Test
    void invalidationIsValidatedThenConfirmedThenDropsTheEntries() throws Exception {
        openCache(Map.of());
        List<Long> ids = registerUsers(3);
        for (long id : ids) {
            engine.cache().user(id);
        }

        robot.interact(() -> robot.lookup("#invalidatePattern").queryAs(TextField.class).setText("user:[1]"));
        click("#invalidateButton");
        ui.waitUntil(() -> ui.text("#invalidateError").startsWith("'user:[1]' is not a key pattern"), "the pattern to be refused");
        assertThat(robot.lookup("#confirmBox").query().isVisible()).isFalse();

        robot.interact(() -> robot.lookup("#invalidatePattern").queryAs(TextField.class).setText("user:*"));
        click("#invalidateButton");
        ui.waitUntil(() -> robot.lookup("#confirmBox").query().isVisible(), "the confirmation");
        assertThat(ui.text("#invalidateQuestion")).startsWith("Drop every cached entry matching user:* ");
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-confirm-invalidate");
        click("#confirmInvalidateButton");

        ui.waitForText("#invalidateResult", "Invalidated 3 cached entries matching user:*, on every instance.");
        List<AuditEntry> audit = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("cache.invalidate"), Optional.empty(), Optional.empty(), 10);
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo(TestAccounts.username(Role.OPERATOR)));
    }

    @Test
    void redisDownIsSaidOnTheScreenAndTheScreenRecoversWhenRedisIsBack() throws Exception {
        int port = TestServers.freePort();
        RedisServer own = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        own.start();
        try {
            openCache(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port, ConfigKey.REDIS_TIMEOUT, "300ms",
                    ConfigKey.CONSOLE_REFRESH, "1s"));
            ui.waitUntil(() -> !ui.text("#redisMemory").equals("—"), "the Redis figures");
            assertThat(robot.lookup("#redisDownBox").query().isVisible()).isFalse();

            own.stop();
            ui.waitUntil(() -> robot.lookup("#redisDownBox").query().isVisible() && ui.text("#redisDownText").contains("127.0.0.1:" + port),
                    "the Redis-down banner");
            assertThat(ui.text("#redisDownText")).contains("127.0.0.1:" + port).contains("redis.url")
                    .contains("PostgreSQL alone");
            ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-redis-down");

            own.start();
            ui.waitUntil(() -> !robot.lookup("#redisDownBox").query().isVisible(), "the banner to go once Redis is back");
            ui.waitUntil(() -> !ui.text("#redisMemory").equals("—"), "the Redis figures again");
        } finally {
            own.stop();
        }
    }

    /** Scrolls the page until the node is in view, then clicks it as a user would. */
    private void click(String query) {
        Node node = robot.lookup(query).query();
        ScrollPane scroll = robot.lookup(".page-scroll").queryAs(ScrollPane.class);
        robot.interact(() -> {
            Node content = scroll.getContent();
            double y = content.sceneToLocal(node.localToScene(node.getBoundsInLocal())).getMinY();
            double room = content.getBoundsInLocal().getHeight() - scroll.getViewportBounds().getHeight();
            scroll.setVvalue(room <= 0 ? 0 : Math.min(1, Math.max(0, (y - 40) / room)));
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(node);
    }

    private double progress() {
        return robot.lookup("#rebuildProgress").queryAs(ProgressBar.class).getProgress();
    }

    private void openCache(Map<ConfigKey, String> settings) throws TimeoutException {
        Map<ConfigKey, String> all = new HashMap<>(Map.of(ConfigKey.CONSOLE_REFRESH, "1h", ConfigKey.CACHE_SAMPLE_INTERVAL, "1h"));
        all.putAll(settings);
        engine = IntegrityEngine.start(db.config(all), ProgressListener.NONE);
        Session operator = TestAccounts.signIn(engine, Role.OPERATOR);
        ui.open(window -> window.showShell(engine, operator));
        robot.clickOn("Cache");
        WaitForAsyncUtils.waitForFxEvents();
        Node page = robot.lookup(".cache-page").query();
        assertThat(page).isNotNull();
    }

    private List<Long> registerUsers(int n) {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            var outcome = engine.registration().register(new RegistrationRequest(
                    "c" + UUID.randomUUID().toString().substring(0, 8) + "@cache.example.org", "Cora", null, null));
            ids.add(((org.nstcg.integrity.engine.registration.RegistrationOutcome.Registered) outcome).userId());
        }
        return ids;
    }
}
