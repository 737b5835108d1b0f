package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/** {@code cache stats} and {@code cache invalidate} against real servers: figures, effects and exit codes. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class CacheCommandsIT {

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void create(TestDatabase slice) {
        db = slice;
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void statsCountEntriesAndTombstonesPerPatternAndInvalidateRemovesOnlyTheMatchingOnes() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (IntegrityEngine engine = db.startEngine()) {
            for (int i = 0; i < 3; i++) {
                RegistrationOutcome o = engine.registration().register(
                        new RegistrationRequest("stats" + i + "@cache-cli.example.org", "Stats", null, null));
                ids.add(((RegistrationOutcome.Registered) o).userId());
            }
            for (long id : ids) {
                engine.cache().user(id);
            }
            engine.cache().userCount();
            engine.cache().coordinator().afterCommit(List.of("user:" + ids.get(0))); // one tombstone, two entries
        }

        // A console or server listens for invalidations; the CLI's own one-shot engine does not.
        try (IntegrityEngine listener = db.startEngine()) {
            assertThat(run("cache", "stats", "--json")).isZero();
        }
        JsonNode stats = new ObjectMapper().readTree(cli.out());
        JsonNode users = stats.path("patterns").get(0);
        assertThat(users.path("pattern").asText()).isEqualTo("user:*");
        assertThat(users.path("entries").asLong()).isEqualTo(2);
        assertThat(users.path("tombstones").asLong()).isEqualTo(1);
        assertThat(users.path("ttlSeconds").asLong()).isEqualTo(300);
        assertThat(stats.path("patterns").get(2).path("entries").asLong()).as("count:users").isEqualTo(1);
        assertThat(stats.path("listeningInstances").asLong()).isGreaterThanOrEqualTo(1);

        assertThat(run("cache", "invalidate", "user:*")).isZero();
        assertThat(cli.out()).startsWith("Invalidated 3 cached entries matching user:*, on every instance.");
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            for (long id : ids) {
                assertThat(r.exists(db.redisPrefix() + "user:" + id)).isFalse();
            }
            assertThat(r.exists(db.redisPrefix() + "count:users")).isTrue();
        }
        assertThat(run("cache", "stats")).isZero();
        assertThat(cli.out()).containsPattern("user:\\*\\s+0\\s+0\\s+300s");
    }

    @Test
    void aMalformedOrReservedPatternIsAUsageErrorThatSaysWhatIsAllowed() {
        assertThat(run("cache", "invalidate", "us*er:1")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("with * only at the end");
        assertThat(run("cache", "invalidate", "reserve:*")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("engine's own state");
        assertThat(run("cache", "invalidate", "user:*", "--actor", "x".repeat(41))).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("--actor takes a label of 1 to 40 characters");
        assertThat(run("cache", "rebuild", "--actor", "")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("--actor takes a label");
    }

    @Test
    void withRedisDownTheInvalidationIsRecordedAndTheExitCodeSaysUnreachable() throws Exception {
        List<String> args = new ArrayList<>(List.of("cache", "invalidate", "count:users"));
        args.addAll(db.cliFlags(TestServers.jdbcUrl(), "redis://127.0.0.1:" + TestServers.freePort()));
        assertThat(cli.run(args.toArray(String[]::new))).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err()).contains("was recorded and will be applied as soon as Redis answers again");
        assertThat(cli.err()).doesNotContain("Exception");
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM cache_missed_invalidations WHERE cache_key = 'count:users' AND is_pattern")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }
}
