package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/** {@code cache rebuild} against real servers: 1,200 users. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class CacheRebuildCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 1_200;

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void createUsers(TestDatabase slice) throws Exception {
        db = slice;
        try (IntegrityEngine engine = db.startEngine();
             Connection c = engine.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO users (email, email_normalized, referral_code, first_name) SELECT 'c' || g || '@example.org',"
                    + " 'c' || g || '@example.org', 'CLI-' || lpad(g::text, 8, '0'), 'User' FROM generate_series(1, " + USERS + ") g");
        }
    }

    private static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return all.toArray(String[]::new);
    }

    @Test
    void rebuildOfUsersPrintsProgressAndTheCountsAndFillsRedis() {
        int code = cli.run(withDb("cache", "rebuild", "--pattern", "user:*"));
        assertThat(code).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Rebuilt user:*").contains("1,200 entries written").contains("0 refused");
        assertThat(cli.err()).contains("100%").contains("1,200/1,200").contains("/s").contains("ETA");
        assertThat(cli.err().lines().filter(l -> l.startsWith("[")).count()).as("progress lines, one per 10%% at most").isBetween(1L, 11L);
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            assertThat(r.hget(db.redisPrefix() + "user:1", "d")).contains("\"email\":\"c1@example.org\"");
        }
    }

    @Test
    void jsonGivesTheResultAsOneObject() throws Exception {
        int code = cli.run(withDb("cache", "rebuild", "--json"));
        assertThat(code).as(cli.err()).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("pattern").asText()).isEqualTo("*");
        assertThat(root.path("total").asLong()).isEqualTo(2L * USERS + 2);
        assertThat(root.path("written").asLong()).isEqualTo(2L * USERS + 2);
        assertThat(root.path("cancelled").asBoolean()).isFalse();
        assertThat(root.path("perSecond").asLong()).isPositive();
        assertThat(cli.err()).doesNotContain("%");
    }

    @Test
    void anUnknownPatternIsAUsageErrorNamingTheChoices() {
        int code = cli.run(withDb("cache", "rebuild", "--pattern", "sessions:*"));
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).startsWith("error: 'sessions:*' cannot be rebuilt").contains("user:*, referral:*").doesNotContain("\n");
    }

    @Test
    void anUnreachableRedisIsOneLineAndExitCode2() {
        List<String> flags = db.cliFlags(TestServers.jdbcUrl(), "redis://127.0.0.1:" + TestServers.freePort());
        List<String> args = new ArrayList<>(List.of("cache", "rebuild"));
        args.addAll(flags);
        int code = cli.run(args.toArray(String[]::new));
        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).startsWith("error: Redis at").contains("is unreachable").contains("nothing was rebuilt")
                .doesNotContain("\tat ").doesNotContain("\n");
    }
}
