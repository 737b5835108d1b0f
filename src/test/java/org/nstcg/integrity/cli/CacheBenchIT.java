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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/** Smoke test of {@code bench cache} on 2,000 users: every figure is there and positive, and nothing is left behind. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class CacheBenchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @BeforeAll
    static void slice(TestDatabase slice) {
        db = slice;
    }

    @Test
    void benchCacheJsonHasEveryFigureAndCleansUp() throws Exception {
        CliRunner cli = new CliRunner();
        List<String> args = new ArrayList<>(List.of("bench", "cache", "--users", "2000", "--updates", "50", "--reads", "200", "--json"));
        args.addAll(db.cliFlags());
        int code = cli.run(args.toArray(String[]::new));
        assertThat(code).as(cli.err()).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("cache");
        assertThat(root.path("users").asLong()).isEqualTo(2000);

        JsonNode window = root.path("divergenceWindow");
        assertThat(window.path("updates").asInt()).isEqualTo(50);
        assertThat(window.path("timedOut").asInt()).isZero();
        for (String f : List.of("p50Millis", "p99Millis", "maxMillis")) {
            assertThat(window.path(f).asDouble()).as("divergenceWindow." + f).isPositive();
        }
        assertThat(window.has("goalMet")).isTrue();

        JsonNode rebuild = root.path("rebuild");
        assertThat(rebuild.path("entries").asLong()).isEqualTo(2000);
        assertThat(rebuild.path("written").asLong()).isEqualTo(2000);
        for (String f : List.of("perSecond", "seconds", "ratio")) {
            assertThat(rebuild.path(f).asDouble()).as("rebuild." + f).isPositive();
        }
        assertThat(rebuild.path("baseline").path("perSecond").asDouble()).isPositive();
        assertThat(rebuild.path("baseline").path("definition").asText()).contains("SET");
        assertThat(rebuild.has("goalMet")).isTrue();

        JsonNode reads = root.path("reads");
        for (String source : List.of("near", "redis", "database")) {
            assertThat(reads.path(source).path("operations").asLong()).as(source + " reads").isEqualTo(200);
            assertThat(reads.path(source).path("p50Millis").isNumber()).as(source + " p50").isTrue();
            assertThat(reads.path(source).path("p99Millis").asDouble()).as(source + " p99 ≥ p50")
                    .isGreaterThanOrEqualTo(reads.path(source).path("p50Millis").asDouble());
        }
        // A near-cache hit is an in-process map look-up: its p50 may round to 0.000 ms; the servers' cannot.
        assertThat(reads.path("redis").path("p50Millis").asDouble()).isPositive();
        assertThat(reads.path("database").path("p50Millis").asDouble()).isPositive();
        assertThat(reads.path("databaseOverRedisP50").asDouble()).isPositive();
        assertThat(reads.path("answeredElsewhere").asLong()).isZero();

        try (Connection c = TestServers.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_%'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("bench schemas left behind").isZero();
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            assertThat(r.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match("bench:*").count(10_000)).getResult())
                    .as("bench keys left behind").isEmpty();
        }
    }
}
