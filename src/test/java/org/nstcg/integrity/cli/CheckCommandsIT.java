package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * {@code check} and {@code checks history}: exit 0 on a clean platform, 1 with findings (printed with their ids),
 * 2 when PostgreSQL is down, 64 for an unknown check (naming the known ones); runs are listed with their counts per
 * check, and a manual run is in the audit trail.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class CheckCommandsIT {

    private TestDatabase db;
    private final CliRunner cli = new CliRunner();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void create(TestDatabase slice) {
        db = slice;
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        all.addAll(List.of("--checks-interval", "off"));
        return cli.run(all.toArray(String[]::new));
    }

    private long registerOne(String email) throws Exception {
        assertThat(run("register", "--email", email, "--first-name", "Carla")).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM users WHERE email_normalized = '" + email + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aCleanPlatformExitsZeroAndPrintsEveryCheck() throws Exception {
        registerOne("carla@example.org");

        assertThat(run("check", "--actor", "olga")).isZero();

        assertThat(cli.out()).startsWith("Integrity check run ").contains("(manual by " + org.nstcg.integrity.support.TestActors.cli("olga") + "): PASSED, 0 findings in 8 checks");
        for (String name : BuiltInChecks.NAMES) {
            assertThat(cli.out()).containsPattern("(?m)^" + name + "\\s+(info|warning|critical)\\s+passed\\s+0\\s+\\d+ ms$");
        }
        long runId = Long.parseLong(cli.out().split(" ")[3]);
        assertThat(cli.out().lines().skip(1).findFirst().orElseThrow()).isEqualTo("link: integrity://run/" + runId);
        assertThat(run("audit", "list", "--action", "check.run", "--json")).isZero();
        JsonNode entries = json.readTree(cli.out()).path("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("link").asText()).isEqualTo("integrity://audit/" + entries.get(0).path("id").asLong());
        assertThat(entries.get(0).path("actor").asText()).isEqualTo(org.nstcg.integrity.support.TestActors.cli("olga"));
        assertThat(entries.get(0).path("details").asText()).contains("8 checks, 0 findings");
    }

    @Test
    void findingsExitOneAndArePrintedThenListedInHistory() throws Exception {
        long carla = registerOne("carla@example.org");
        registerOne("dora@example.org");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE gamification_profiles DISABLE TRIGGER USER");
            st.execute("UPDATE gamification_profiles SET points = points + 3 WHERE user_id = " + carla);
            st.execute("ALTER TABLE gamification_profiles ENABLE TRIGGER USER");
        }

        assertThat(run("check", "--only", "points-ledger,orphans", "--actor", "olga")).isEqualTo(ExitCodes.FINDINGS);
        assertThat(cli.out()).contains("FAILED, 1 finding in 2 checks")
                .containsPattern("(?m)^points-ledger\\s+critical\\s+failed\\s+1\\s+\\d+ ms$")
                .contains("    - User " + carla + " has 13 points but the ledger sums to 10 [ids " + carla + "]");

        assertThat(run("check", "--only", "points-ledger", "--json")).isEqualTo(ExitCodes.FINDINGS);
        JsonNode result = json.readTree(cli.out());
        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("checks")).hasSize(1);
        JsonNode points = result.path("checks").get(0);
        assertThat(points.path("name").asText()).isEqualTo("points-ledger");
        assertThat(points.path("findings").asLong()).isEqualTo(1);
        assertThat(points.path("shown").get(0).path("affectedIds").get(0).asLong()).isEqualTo(carla);
        assertThat(points.path("shown").get(0).path("details").path("difference").asInt()).isEqualTo(3);

        assertThat(run("checks", "history", "--json", "--limit", "5")).isZero();
        JsonNode runs = json.readTree(cli.out()).path("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("runId").asLong()).isEqualTo(result.path("runId").asLong());
        assertThat(result.path("link").asText()).isEqualTo("integrity://run/" + result.path("runId").asLong());
        assertThat(runs.get(0).path("link").asText()).isEqualTo(result.path("link").asText());
        assertThat(runs.get(0).path("trigger").asText()).isEqualTo("manual");
        assertThat(runs.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(runs.get(0).path("checks").path("points-ledger").path("findings").asLong()).isEqualTo(1);
        assertThat(runs.get(1).path("actor").asText()).isEqualTo(org.nstcg.integrity.support.TestActors.cli("olga"));
        assertThat(runs.get(1).path("checks").path("orphans").path("findings").asLong()).isZero();
        assertThat(runs.get(1).path("checks").path("points-ledger").path("findings").asLong()).isEqualTo(1);

        assertThat(run("checks", "history", "--limit", "1")).isZero();
        assertThat(cli.out()).contains("run").contains("per check")
                .containsPattern("manual\\s+failed\\s+\\S+( \\(cli[^)]*\\))?\\s+1\\s+points-ledger=1");
    }

    @Test
    void anUnknownCheckExits64NamingTheChecks() {
        assertThat(run("check", "--only", "points-ledger,nonsense")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).hasLineCount(1).contains("'nonsense'").contains(String.join(", ", BuiltInChecks.NAMES));
    }

    @Test
    void anUnreachableDatabaseExitsTwoWithOneLine() {
        int port = TestServers.freePort();
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(db.cliFlags("jdbc:postgresql://127.0.0.1:" + port + "/nowhere", TestServers.redisUrl()));

        int code = cli.run(args.toArray(String[]::new));

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).hasLineCount(1).contains("127.0.0.1:" + port).doesNotContain("Exception");
    }

    @Test
    void anUnreachableRedisMakesTheCacheCheckAnErrorWithExit2WhileTheOtherChecksRun() {
        int port = TestServers.freePort();
        List<String> args = new ArrayList<>(List.of("check", "--json"));
        args.addAll(db.cliFlags(TestServers.jdbcUrl(), "redis://127.0.0.1:" + port));

        int code = cli.run(args.toArray(String[]::new));

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("error: the check cache-consistency could not run: Redis did not answer");
        assertThat(cli.out()).contains("\"status\" : \"error\"").contains("\"name\" : \"points-ledger\"");
    }

    @Test
    void anEmptyHistorySaysHowToStartOne() {
        assertThat(run("checks", "history")).isZero();
        assertThat(cli.out()).contains("No integrity check runs yet");
    }

    @Test
    void aBadCheckSettingIsOneLineNamingTheKey() {
        assertThat(run("check", "--alerts-rollback-rate", "lots")).isEqualTo(ExitCodes.CONFIG);
        assertThat(cli.err().strip()).hasLineCount(1).contains("alerts.rollback-rate").contains("percentage");
    }
}
