package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaStore;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.StepKey;
import org.nstcg.integrity.engine.saga.SagaRegistry;
import org.nstcg.integrity.engine.saga.SagaSettings;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * {@code sagas list/show/retry/resolve/metrics} against real servers. The log holds two registrations (through
 * {@code register}), one saga rolled back and one that needs attention; the latter two are of a tiny "probe" type
 * run by an orchestrator of the test's own (2 attempts, no sleeping) whose second step always fails and whose
 * compensation fails when asked to.
 */
@IntegrityTest
class SagaCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE = "probe";

    /** The probe saga's data. */
    public record ProbeData(String note, boolean compensationFails) {
    }

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static SagaOrchestrator probes;
    private static final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private static UUID compensated;
    private static UUID needsAttention;

    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void createSagas(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        SagaSettings twoQuickAttempts = new SagaSettings(Duration.ofSeconds(30), 2, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofHours(1), 100);
        probes = new SagaOrchestrator(new SagaStore(engine.database().jdbc(), JSON), new SagaRegistry(), "probe-test",
                twoQuickAttempts, Clock.systemUTC(), d -> { }, alerts::add);
        CliRunner setup = new CliRunner();
        assertThat(setup.run(withDb("register", "--email", "ada@example.org", "--first-name", "Ada"))).isZero();
        assertThat(setup.run(withDb("register", "--email", "grace@example.org", "--first-name", "Grace"))).isZero();
        compensated = runProbe("rolled back", false, SagaOutcome.Compensated.class);
        needsAttention = runProbe("stays broken", true, SagaOutcome.NeedsAttention.class);
    }

    /** What the probe's first step records. */
    record Wrote(String wrote) {
    }

    private static final SagaDefinition<ProbeData> DEFINITION = SagaDefinition.builder(PROBE, ProbeData.class)
            .local(StepKey.of("Write", Wrote.class), (ctx, d, tx) -> {
                tx.singleLong("SELECT 1");
                return new Wrote(d.note());
            }, (ctx, d, result, tx) -> {
                if (d.compensationFails()) {
                    throw new IllegalStateException("the undo of Write is broken on purpose");
                }
            })
            .local(StepKey.of("Fail"), (ctx, d, tx) -> {
                throw new IllegalStateException("Fail refuses on purpose");
            }, null)
            .build();

    private static UUID runProbe(String note, boolean compensationFails, Class<? extends SagaOutcome> expected) {
        SagaOutcome outcome = probes.run(DEFINITION, note, new ProbeData(note, compensationFails));
        assertThat(outcome).isInstanceOf(expected);
        return outcome.sagaId();
    }

    private static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return all.toArray(String[]::new);
    }

    private int run(String... args) {
        return cli.run(withDb(args));
    }

    private JsonNode json() throws Exception {
        return JSON.readTree(cli.out());
    }

    private List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.path(name).asText()));
        return values;
    }

    private String firstRegistrationId() throws Exception {
        assertThat(run("sagas", "list", "--type", "registration", "--json")).isZero();
        return json().path("sagas").get(0).path("id").asText();
    }

    @Test
    void listShowsTheCompletedRegistrationSagasNewestFirst() throws Exception {
        assertThat(run("sagas", "list", "--type", "registration", "--json")).isZero();
        JsonNode list = json();
        assertThat(list.path("count").asInt()).isEqualTo(2);
        JsonNode sagas = list.path("sagas");
        assertThat(field(sagas, "status")).containsOnly("COMPLETED");
        assertThat(field(sagas, "businessKey")).containsExactly("grace@example.org", "ada@example.org");
        assertThat(Instant.parse(sagas.get(0).path("createdAt").asText()))
                .isAfterOrEqualTo(Instant.parse(sagas.get(1).path("createdAt").asText()));
        assertThat(sagas.get(0).path("currentStep").asInt()).isEqualTo(5);
        assertThat(sagas.get(0).path("stepCount").asInt()).isEqualTo(5);
        assertThat(sagas.get(0).path("lastError").isNull()).isTrue();

        assertThat(run("sagas", "list")).isZero();
        List<String> lines = cli.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("TYPE", "BUSINESS KEY", "STATUS", "STEP", "STARTED (UTC)", "DURATION", "LAST ERROR");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("registration", "ada@example.org", "COMPLETED", "5/5"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(needsAttention.toString(), PROBE, "FAILED_NEEDS_ATTENTION",
                "the undo of Write is broken on purpose"));
    }

    @Test
    void listFiltersByStatusInAnyCaseAndByAge() throws Exception {
        assertThat(run("sagas", "list", "--status", "compensated", "--json")).isZero();
        JsonNode sagas = json().path("sagas");
        assertThat(field(sagas, "id")).containsExactly(compensated.toString());
        assertThat(sagas.get(0).path("lastError").asText()).contains("Fail refuses on purpose");

        assertThat(run("sagas", "list", "--status", "COMPENSATED")).isZero();
        assertThat(cli.out()).contains(compensated.toString()).doesNotContain("registration");

        assertThat(run("sagas", "list", "--since", "1h", "--limit", "2", "--json")).isZero();
        assertThat(json().path("count").asInt()).isEqualTo(2);

        assertThat(run("sagas", "list", "--status", "RUNNING")).isZero();
        assertThat(cli.out().strip()).isEqualTo("No sagas match.");
    }

    @Test
    void showPrintsTheHeaderAndTheTimelineInOrder() throws Exception {
        String id = firstRegistrationId();

        assertThat(run("sagas", "show", id)).isZero();
        String out = cli.out();
        assertThat(out).startsWith("Saga " + id).contains("registration", "grace@example.org", "COMPLETED (step 5/5)");
        List<String[]> events = out.lines().dropWhile(l -> !l.strip().startsWith("SEQ")).skip(1)
                .map(l -> l.strip().split("\\s+")).toList();
        assertThat(events).extracting(e -> e[2]).containsExactly("STARTED", "STEP_COMPLETED", "STEP_COMPLETED", "STEP_COMPLETED",
                "STEP_COMPLETED", "STEP_COMPLETED", "COMPLETED");
        assertThat(events.subList(1, 6)).extracting(e -> e[3])
                .containsExactly("ReserveEmail", "CreateUser", "CreateGamificationProfile", "ProcessReferralBonus", "UpdateCache");
        assertThat(events).extracting(e -> e[0]).containsExactly("0", "1", "2", "3", "4", "5", "6");

        assertThat(run("sagas", "show", id, "--json")).isZero();
        JsonNode saga = json();
        assertThat(saga.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(saga.path("data").path("mailbox").asText()).isEqualTo("grace@example.org");
        assertThat(field(saga.path("events"), "type")).containsExactly("STARTED", "STEP_COMPLETED", "STEP_COMPLETED",
                "STEP_COMPLETED", "STEP_COMPLETED", "STEP_COMPLETED", "COMPLETED");
        assertThat(saga.path("events").get(2).path("payload").path("referralCode").asText()).startsWith("GRAC-");
    }

    @Test
    void showAndListGiveEachSagasDeepLinkAndShowAcceptsTheLinkItself() throws Exception {
        String id = firstRegistrationId();
        String link = "integrity://saga/" + id;

        assertThat(run("sagas", "show", id, "--json")).isZero();
        assertThat(json().path("link").asText()).isEqualTo(link);
        assertThat(run("sagas", "show", id)).isZero();
        assertThat(cli.out().lines()).contains("Link         " + link);
        assertThat(run("sagas", "list", "--json")).isZero();
        assertThat(json().path("sagas")).allSatisfy(s -> assertThat(s.path("link").asText()).isEqualTo("integrity://saga/" + s.path("id").asText()));

        assertThat(run("sagas", "show", link, "--json")).as("the link copied from the console").isZero();
        assertThat(json().path("id").asText()).isEqualTo(id);
        assertThat(run("sagas", "show", "user/42")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().lines().findFirst().orElseThrow()).contains("'user/42' is the link of a user, not of a saga");
    }

    @Test
    void aMalformedOpenIsAUsageErrorThatNamesTheAcceptedFormsAndOpensNoConsole() {
        // CliRunner fails the test if the console is started.
        assertThat(run("--open", "integrity://saga/" + needsAttention + "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).startsWith("error: Invalid value for option '--open': 'integrity://saga/" + needsAttention + "x'"
                        + " does not end in a saga id")
                .contains("Give integrity://<kind>/<id> or <kind>/<id>, where <kind> is user, saga, audit or run")
                .doesNotContain("Exception");
    }

    @Test
    void showOfAFailedSagaGivesItsErrors() throws Exception {
        assertThat(run("sagas", "show", needsAttention.toString())).isZero();
        assertThat(cli.out()).contains("FAILED_NEEDS_ATTENTION", "Last error   the undo of Write is broken on purpose")
                .containsSubsequence("STARTED", "STEP_COMPLETED", "Write", "STEP_FAILED", "Fail", "error: Fail refuses on purpose",
                        "COMPENSATION_STARTED", "COMPENSATION_FAILED", "Write", "error: the undo of Write is broken on purpose");
    }

    @Test
    void badArgumentsAreOneLineErrorsWithTheDocumentedExitCodes() {
        assertThat(run("sagas", "list", "--since", "15x")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().lines().findFirst().orElseThrow())
                .isEqualTo("error: Invalid value for option '--since': '15x' is not a duration; write a whole number and a unit"
                        + " (s, m, h, d or w), like 15m, 2h or 7d");

        assertThat(run("sagas", "list", "--status", "done")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().lines().findFirst().orElseThrow()).startsWith("error: Invalid value for option '--status': 'done'")
                .contains("RUNNING, COMPLETED, COMPENSATING, COMPENSATED, FAILED_NEEDS_ATTENTION, RESOLVED");

        assertThat(run("sagas", "list", "--limit", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).isEqualTo("error: --limit takes 1 to 10000, not 0.");

        assertThat(run("sagas", "show", "not-a-uuid")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().lines().findFirst().orElseThrow()).contains("'not-a-uuid' is not a saga id");

        UUID unknown = UUID.randomUUID();
        assertThat(run("sagas", "show", unknown.toString())).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err().strip()).isEqualTo("error: there is no saga " + unknown + " in this database.");
        assertThat(cli.out()).isEmpty();

        assertThat(run("sagas", "resolve", unknown.toString(), "--note", "x")).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err().strip()).hasLineCount(1).contains("there is no saga");
    }

    @Test
    void retryAndResolveRefuseAReasonLongerThan500CharactersWithExitFour() throws Exception {
        String id = firstRegistrationId();
        assertThat(run("sagas", "retry", id, "--reason", "r".repeat(501))).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("error: The reason is longer than 500 characters (it has 501)");
        assertThat(run("sagas", "resolve", id, "--note", "n".repeat(501))).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("error: The reason is longer than 500 characters");
    }

    @Test
    void retryAndResolveRefuseASagaThatDoesNotNeedAttention() throws Exception {
        String id = firstRegistrationId();

        assertThat(run("sagas", "retry", id, "--reason", "just because")).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err().strip()).hasLineCount(1)
                .isEqualTo("error: Saga " + id + " is COMPLETED; only a saga that needs attention can be retried.");

        assertThat(run("sagas", "resolve", id, "--note", "nothing to do")).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err().strip()).hasLineCount(1)
                .isEqualTo("error: Saga " + id + " is COMPLETED; only a saga that needs attention can be resolved.");

        assertThat(run("sagas", "resolve", id, "--note", "   ")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).isEqualTo("error: --note must say what was done and why; it is blank.");

        assertThat(run("sagas", "retry", id)).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("--reason");

        assertThat(run("sagas", "show", id, "--json")).isZero();
        assertThat(json().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(field(json().path("events"), "type")).doesNotContain("MANUAL_ACTION");
    }

    @Test
    void resolveRecordsAManualActionWithActorAndNote() throws Exception {
        UUID broken = runProbe("to resolve", true, SagaOutcome.NeedsAttention.class);
        assertThat(alerts).anySatisfy(a -> assertThat(a.message()).contains(broken.toString(), "sagas retry"));

        assertThat(run("sagas", "resolve", broken.toString(), "--note", "undone by hand in psql", "--actor", "ops-alice")).isZero();
        assertThat(cli.out().strip()).isEqualTo("Resolved saga " + broken + " by " + org.nstcg.integrity.support.TestActors.cli("ops-alice") + ": undone by hand in psql. Status now RESOLVED.");

        assertThat(run("sagas", "show", broken.toString(), "--json")).isZero();
        JsonNode saga = json();
        assertThat(saga.path("status").asText()).isEqualTo("RESOLVED");
        assertThat(saga.path("finishedAt").isNull()).isFalse();
        JsonNode last = saga.path("events").get(saga.path("events").size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("MANUAL_ACTION");
        assertThat(last.path("actor").asText()).isEqualTo(org.nstcg.integrity.support.TestActors.cli("ops-alice"));
        assertThat(last.path("reason").asText()).isEqualTo("undone by hand in psql");
        assertThat(last.path("payload").path("action").asText()).isEqualTo("resolve");

        assertThat(run("sagas", "resolve", broken.toString(), "--note", "again")).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).contains("is RESOLVED; only a saga that needs attention can be resolved.");
    }

    @Test
    void retryOfASagaTypeThisInstanceCannotRunIsRefusedAndLeavesItForAnOperator() throws Exception {
        UUID broken = runProbe("foreign type", true, SagaOutcome.NeedsAttention.class);

        assertThat(run("sagas", "retry", broken.toString(), "--reason", "fixed the undo")).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err().strip()).hasLineCount(1).contains("is of type probe, which this instance cannot run");
        assertThat(run("sagas", "show", broken.toString(), "--json")).isZero();
        assertThat(json().path("status").asText()).isEqualTo("FAILED_NEEDS_ATTENTION");

        assertThat(run("sagas", "resolve", broken.toString(), "--note", "removed by hand")).isZero();
        assertThat(run("sagas", "show", broken.toString(), "--json")).isZero();
        JsonNode events = json().path("events");
        assertThat(events.get(events.size() - 1).path("actor").asText()).isEqualTo(org.nstcg.integrity.support.TestActors.cli());
    }

    @Test
    void metricsCountWhatTheLogHolds() throws Exception {
        assertThat(run("sagas", "metrics", "--json")).isZero();
        JsonNode m = json();
        assertThat(m.path("rollbackRates")).hasSize(3);
        assertThat(field(m.path("rollbackRates"), "window")).containsExactly("5m", "1h", "24h");
        for (JsonNode window : m.path("rollbackRates")) {
            // two registrations COMPLETED + one probe COMPENSATED; RESOLVED and FAILED_NEEDS_ATTENTION are not finished runs
            assertThat(window.path("finished").asLong()).isEqualTo(3);
            assertThat(window.path("compensated").asLong()).isEqualTo(1);
            assertThat(window.path("rate").asDouble()).isCloseTo(1 / 3.0, within(1e-9));
            assertThat(window.path("alarming").asBoolean()).as("fewer than 20 sagas are no reason to alarm").isFalse();
        }
        assertThat(m.path("durations").path("registration").path("count").asLong()).isEqualTo(2);
        assertThat(m.path("durations").path("registration").path("p99Millis").asDouble())
                .isGreaterThanOrEqualTo(m.path("durations").path("registration").path("p50Millis").asDouble()).isPositive();
        assertThat(m.path("durations").has(PROBE)).isFalse();
        assertThat(m.path("needsAttention").asLong()).isEqualTo(1);
        assertThat(m.path("stuck").asLong()).isZero();

        assertThat(run("sagas", "metrics")).isZero();
        assertThat(cli.out()).contains("Rollback rate", "24h", "33.3%", "registration", "Needs attention: 1")
                .doesNotContain("ABOVE 1%");
    }
}
