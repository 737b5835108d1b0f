package org.nstcg.integrity.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.ToggleButton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.view.overview.Sparkline;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestDatabase;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The overview's tiles over a real engine: real figures from the saga log, samples, runs and alerts; click-throughs. */
// No background sampling round (cache.sample-interval=1h): the test's own sample is the latest.
@IntegrityTest(perTest = true, settings = {"console.refresh=1h", "cache.sample-interval=1h"})
class OverviewUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void createFixture(TestDatabase slice, IntegrityEngine started) throws TimeoutException {
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
        db = slice;
        engine = started;
    }

    @AfterEach
    void close() throws Exception {
        ui.close();
    }

    @Test
    void tilesShowTheEngineFiguresAndTheirTrends() throws Exception {
        seed();
        engine.alerts().raise(new Alert("warning", "test.alert", "overview", "Something to look at.", Instant.now()));
        ui.waitUntil(() -> !engine.alertLog().since(Instant.now().minusSeconds(60), 10).isEmpty(),
                "the alert in the PostgreSQL alert log (written in the background)");
        open(Role.ADMINISTRATOR);

        ui.waitForText("#usersValue", "2");
        assertThat(ui.text("#usersDetail")).isEqualTo("+3 sign-ups in the last 24 h");
        assertThat(ui.text("#blockedValue")).isEqualTo("2");
        assertThat(ui.text("#rollbackValue")).isEqualTo("25.0 %");
        assertThat(ui.text("#rollbackDetail")).isEqualTo("1 of 4 sagas rolled back in 24 h");
        assertThat(ui.text("#divergenceValue")).isEqualTo("2.0 %");
        assertThat(ui.text("#divergenceDetail")).startsWith("4 of 200 cached entries differ · sampled ");
        assertThat(ui.text("#alertsValue")).isEqualTo("1");
        assertThat(ui.text("#alertsDetail")).endsWith("warning: test.alert");
        assertThat(ui.text("#lastCheckValue")).isEqualTo("10 min ago");
        assertThat(ui.text("#lastCheckDetail")).endsWith("Failed · 5 findings in 1 check");
        assertThat(ui.text("#activeUsersValue")).isEqualTo("2");
        assertThat(ui.text("#referralCodesValue")).isEqualTo("2");

        Sparkline signUps = robot.lookup("#usersTrend").queryAs(Sparkline.class);
        assertThat(signUps.values()).as("the last 24 h in 10-minute buckets").hasSize(144);
        assertThat(signUps.values().stream().mapToDouble(Number::doubleValue).filter(v -> !Double.isNaN(v)).sum()).isEqualTo(3.0);
        assertThat(signUps.values().get(0).doubleValue()).as("before the platform's first record: no value, not 0").isNaN();
        assertThat(robot.lookup("#lastCheckTrend").queryAs(Sparkline.class).values()).containsExactly(5L);
        assertThat(robot.lookup("#lastCheckTile").query().getPseudoClassStates()).contains(PseudoClass.getPseudoClass("attention"));
        assertThat(robot.lookup("#blockedTile").query().getPseudoClassStates()).doesNotContain(PseudoClass.getPseudoClass("attention"));
    }

    /** Issue 15 §5: picking a range and dragging across a trend change what every trend shows; a drag opens no screen. */
    @Test
    void pickingARangeAndDraggingAcrossATrendZoomsTheTrends() throws Exception {
        open(Role.ADMINISTRATOR);
        ui.waitForText("#usersValue", "0");
        Sparkline signUps = robot.lookup("#usersTrend").queryAs(Sparkline.class);
        ui.waitUntil(() -> signUps.values().size() == 144, "the last 24 h in 10-minute buckets");

        robot.clickOn("#rangeChoice");
        robot.clickOn("Last hour");
        ui.waitUntil(() -> signUps.values().size() == 60, "the last hour in 1-minute buckets");
        assertThat(ui.text("#trendsShown")).endsWith("(last hour)");

        javafx.geometry.Bounds b = signUps.localToScreen(signUps.getBoundsInLocal());
        double y = b.getMinY() + 10;
        robot.drag(new javafx.geometry.Point2D(b.getMinX() + b.getWidth() / 2, y), javafx.scene.input.MouseButton.PRIMARY)
                .moveTo(new javafx.geometry.Point2D(b.getMinX() + b.getWidth() * 0.8, y))
                .moveTo(new javafx.geometry.Point2D(b.getMaxX() - 1, y)).release(javafx.scene.input.MouseButton.PRIMARY);
        ui.waitUntil(() -> signUps.values().size() < 40, "the zoomed half hour");
        assertThat(ui.text("#trendsShown")).startsWith("Zoomed to ");
        assertThat(robot.lookup("#usersValue").tryQuery()).as("a drag is not a click: still on the overview").isPresent();
        assertThat(robot.lookup("#divergenceTrend").queryAs(Sparkline.class).values()).hasSize(signUps.values().size());

        robot.clickOn("#resetZoomButton");
        ui.waitUntil(() -> signUps.values().size() == 60, "the whole hour again");
    }

    @Test
    void clickingATileOpensItsScreen() throws Exception {
        open(Role.ADMINISTRATOR);
        ui.waitForText("#usersValue", "0");
        assertThat(robot.lookup("#rollbackOpen").query().isVisible()).isTrue();

        robot.clickOn("#rollbackTile");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(navButton("Sagas").isSelected()).isTrue();
        assertThat(robot.lookup("#usersValue").tryQuery()).as("overview left the content area").isEmpty();
    }

    @Test
    void tilesOfScreensTheRoleMayNotSeeDoNotOpen() throws Exception {
        open(Role.SUPPORT);
        ui.waitForText("#usersValue", "0");
        Node rollback = robot.lookup("#rollbackTile").query();
        assertThat(rollback.getPseudoClassStates()).doesNotContain(PseudoClass.getPseudoClass("navigable"));
        assertThat(robot.lookup("#rollbackOpen").query().isVisible()).isFalse();

        robot.clickOn("#rollbackTile");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#usersValue").tryQuery()).as("still on the overview").isPresent();

        robot.clickOn("#blockedTile");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(navButton("Duplicates").isSelected()).isTrue();
    }

    private ToggleButton navButton(String title) {
        return robot.lookup(".nav-item").queryAllAs(ToggleButton.class).stream()
                .filter(b -> title.equals(b.getText())).findFirst().orElseThrow();
    }

    private void open(Role role) throws TimeoutException {
        Session session = TestAccounts.signIn(engine, role);
        ui.open(window -> window.showShell(engine, session));
    }

    /**
     * Two users; six sagas of the last hour (three registrations completed, two refused as already registered, one
     * rolled back); a divergence sample; a failed check run ten minutes ago with five findings in one check.
     */
    private void seed() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO users (email, email_normalized, referral_code, first_name) VALUES"
                    + " ('ada@example.org', 'ada@example.org', 'ADA-0001', 'Ada'), ('grace@example.org', 'grace@example.org', 'GRACE-0002', 'Grace')");
            saga(c, "COMPLETED", null);
            saga(c, "COMPLETED", null);
            saga(c, "COMPLETED", null);
            saga(c, "COMPENSATED", "rejected: already_registered: the mailbox is registered");
            saga(c, "COMPENSATED", "rejected: already_registered: an active user has the mailbox");
            saga(c, "COMPENSATED", "step create-profile failed: boom");
            // The two refusals as the instances counted them (RefusalCounter), one by an instance of the fast path.
            st.execute("INSERT INTO signup_refusals (minute, instance, reason, refusals) VALUES"
                    + " (date_trunc('minute', now()), 'serve-1', 'already_registered', 1), (date_trunc('minute', now()), 'serve-2', 'already_registered', 1)");
            st.execute("INSERT INTO cache_divergence_samples (key_pattern, sampled, divergent, instance_id) VALUES ('user:*', 200, 4, 'test')");
            st.execute("INSERT INTO integrity_check_runs (id, started_at, finished_at, trigger, status, actor)"
                    + " VALUES (1, now() - interval '10 minutes', now() - interval '9 minutes', 'manual', 'failed', 'admin')");
            st.execute("INSERT INTO integrity_check_results (run_id, check_name, severity, status, findings_total, findings_stored, duration_ms)"
                    + " VALUES (1, 'points-match-ledger', 'critical', 'failed', 5, 5, 12), (1, 'orphan-profiles', 'warning', 'passed', 0, 0, 3)");
        }
    }

    private static void saga(Connection c, String status, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key, status, last_error, finished_at)"
                + " VALUES (?, 'registration', ?, ?, ?, now())")) {
            UUID id = UUID.randomUUID();
            ps.setObject(1, id);
            ps.setString(2, id + "@example.org");
            ps.setString(3, status);
            ps.setString(4, error);
            ps.executeUpdate();
        }
    }
}
