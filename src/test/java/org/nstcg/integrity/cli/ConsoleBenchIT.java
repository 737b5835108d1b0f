package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/** Smoke test of {@code bench console} on 2,000 users: every figure is there, plausible, and nothing is left behind. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class ConsoleBenchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @BeforeAll
    static void slice(TestDatabase slice) {
        db = slice;
    }

    @Test
    void benchConsoleJsonHasEveryFigureAndCleansUp() throws Exception {
        CliRunner cli = new CliRunner();
        List<String> args = new ArrayList<>(List.of("bench", "console", "--users", "2000", "--overview-reads", "10", "--reads", "100", "--json"));
        args.addAll(db.cliFlags());
        int code = cli.run(args.toArray(String[]::new));
        assertThat(code).as(cli.err()).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("console");
        assertThat(root.path("users").asLong()).isEqualTo(2000);
        assertThat(root.path("setupSeconds").asDouble()).isPositive();
        JsonNode seeded = root.path("seeded");
        assertThat(seeded.path("sagas").asLong()).isEqualTo(2000);
        assertThat(seeded.path("sagaEvents").asLong()).isEqualTo(12_000);
        assertThat(seeded.path("divergenceSamples").asLong()).isPositive();
        assertThat(seeded.path("checkRuns").asLong()).isPositive();

        JsonNode overview = root.path("overview");
        assertTimed(overview, "overview", 10);
        assertThat(overview.path("baseline").path("definition").asText()).isEqualTo("SELECT count(*) FROM users");
        assertThat(overview.path("goalP95Millis").asDouble()).isEqualTo(1000);
        assertThat(overview.path("goalMet").isBoolean()).isTrue();
        JsonNode figures = overview.path("figures");
        assertThat(figures.path("users").asLong()).as("the overview saw the seeded users").isEqualTo(2000);
        // 2% of the users (40) were created in the last 24 h; one saga each, 1 in 97 refused, 1 in 101 rolled back.
        assertThat(figures.path("registrationsLastDay").asLong()).isBetween(35L, 40L);
        assertThat(figures.path("sagasFinishedLastDay").asLong()).isBetween(38L, 40L);
        assertThat(figures.path("alerts").asInt()).isEqualTo(5);
        assertThat(figures.path("lastCheckRunStatus").asText()).isIn("passed", "failed");
        assertThat(figures.has("blockedLastDay")).isTrue();
        assertThat(figures.has("rollbackRate")).isTrue();
        assertThat(figures.has("divergence")).isTrue();

        JsonNode search = root.path("search");
        assertThat(search.path("goalP95Millis").asDouble()).isEqualTo(200);
        assertThat(search.path("measured").asBoolean()).isTrue();
        assertTimed(search, "search", 100);
        assertThat(search.path("baseline").path("definition").asText()).contains("email_normalized");

        JsonNode timeline = root.path("timeline");
        assertTimed(timeline, "timeline", 100);
        assertThat(timeline.path("baseline").path("definition").asText()).contains("primary key");

        try (Connection c = TestServers.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_%'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("bench schemas left behind").isZero();
        }
    }

    private static void assertTimed(JsonNode node, String what, int reads) {
        assertThat(node.path("reads").asInt()).as(what + ".reads").isEqualTo(reads);
        assertThat(node.path("baseline").path("reads").asInt()).as(what + ".baseline.reads").isEqualTo(reads);
        for (String f : List.of("meanMillis", "p50Millis", "p95Millis", "maxMillis")) {
            assertThat(node.path(f).asDouble()).as(what + "." + f).isPositive();
            assertThat(node.path("baseline").path(f).asDouble()).as(what + ".baseline." + f).isPositive();
        }
        assertThat(node.path("p95Millis").asDouble()).as(what + " p95 ≥ p50").isGreaterThanOrEqualTo(node.path("p50Millis").asDouble());
        assertThat(node.path("ratio").asDouble()).as(what + ".ratio").isPositive();
    }
}
