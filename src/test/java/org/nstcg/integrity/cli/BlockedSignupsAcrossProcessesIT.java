package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.Launcher;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Regression (issue 15 §1): "Sign-ups blocked (24 h)" stayed 0 after the CLI refused an address as already registered.
 * A refusal made by another process (a CLI {@code register} in a child JVM, whose one-shot engine writes its
 * refusal count when it closes) is counted alike by the overview's tile, the blocked-registrations alert and
 * {@code status --json}'s {@code figures.blockedSignups24h}.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class BlockedSignupsAcrossProcessesIT {

    private static final String ALERT = "integrity.blocked-registrations";

    private TestDatabase db;
    private IntegrityEngine engine;
    private final CliRunner cli = new CliRunner();
    private final Actor alice = Actor.operator("alice");

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CHECKS_INTERVAL, "off", ConfigKey.CACHE_SAMPLE_INTERVAL, "1h",
                ConfigKey.SAGA_RECOVERY_INTERVAL, "1h", ConfigKey.ALERTS_BLOCKED_REGISTRATIONS, "0")), ProgressListener.NONE);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void aRefusalByTheCliInAnotherProcessReachesTheTileTheAlertAndStatus() throws Exception {
        assertThat(engine.registration().register(new RegistrationRequest("ada.lovelace@gmail.com", "Ada", "Lovelace", null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);
        OverviewViewModel overview = new OverviewViewModel(() -> engine.overview().read(alice), f -> true, f -> { },
                new SynchronousTaskRunner(), Clock.systemUTC(), Duration.ofSeconds(5));
        overview.refresh();
        assertThat(overview.blockedTile().valueProperty().get()).isEqualTo("0");
        engine.checks().run(alice, List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);
        assertThat(alerts()).isEmpty();

        List<String> args = new ArrayList<>(List.of("register", "--email", "AdaLovelace@gmail.com", "--first-name", "Ada"));
        args.addAll(db.cliFlags());
        ChildJvm.Result refused = ChildJvm.run(ChildJvm.builder(Launcher.class, args.toArray(String[]::new)), Duration.ofSeconds(120));
        assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(ExitCodes.ALREADY);
        assertThat(refused.stdout()).contains("Already registered");

        assertThat(engine.overview().read(alice).blockedLastDay()).isEqualTo(1);
        overview.refresh();
        assertThat(overview.blockedTile().valueProperty().get()).isEqualTo("1");

        // The alert's threshold path (alerts.blocked-registrations = 0: any refusal in the last hour) sees it too.
        engine.checks().run(alice, List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);
        assertThat(alerts()).singleElement()
                .satisfies(a -> assertThat(a.message()).startsWith("1 registration was refused in the last hour"));

        List<String> status = new ArrayList<>(List.of("status", "--json"));
        status.addAll(db.cliFlags());
        assertThat(cli.run(status.toArray(String[]::new))).as(cli.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.path("figures").path("blockedSignups24h").isNumber()).as(cli.out()).isTrue();
        assertThat(json.path("figures").path("blockedSignups24h").asLong()).isEqualTo(1);
        assertThat(engine.overview().blockedLastDay(alice)).isEqualTo(1);
    }

    private List<Alert> alerts() {
        return engine.alerts().recent().stream().filter(a -> a.source().equals(ALERT)).toList();
    }
}
