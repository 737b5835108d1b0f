package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * {@code cache divergence} against real servers: 20 cached users of which 4 were changed behind the cache's back
 * are reported exactly, as JSON and as a table, with the last five minutes' peak; an unreachable Redis is one clear
 * line and exit 2.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class CacheDivergenceCommandIT {

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void cacheTwentyUsersAndChangeFourBehindTheCache(TestDatabase slice) throws Exception {
        db = slice;
        try (IntegrityEngine engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")),
                ProgressListener.NONE)) {
            List<Long> ids = new ArrayList<>();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("INSERT INTO users (email, email_normalized, referral_code, first_name)"
                        + " SELECT 'c' || g || '@x.org', 'c' || g || '@x.org', 'CLI' || g, 'C' || g FROM generate_series(1, 20) g"
                        + " ORDER BY g RETURNING id")) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                st.executeUpdate("INSERT INTO gamification_profiles (user_id) SELECT id FROM users");
                for (long id : ids) {
                    assertThat(engine.cache().user(id)).isPresent();
                }
                st.executeUpdate("UPDATE gamification_profiles SET referral_count = 1 WHERE user_id IN ("
                        + ids.get(0) + ", " + ids.get(5) + ", " + ids.get(10) + ", " + ids.get(15) + ")");
            }
        }
    }

    private int run(String redisUrl, String... extra) {
        List<String> args = new ArrayList<>(List.of("cache", "divergence"));
        args.addAll(db.cliFlags(TestServers.jdbcUrl(), redisUrl));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    void jsonReportsEachPatternExactlyWithTheLastFiveMinutesPeak() throws Exception {
        int code = run(TestServers.redisUrl(), "--json");

        assertThat(code).as(cli.err()).isEqualTo(ExitCodes.OK);
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.path("state").asText()).isEqualTo("SAMPLED");
        assertThat(json.path("alertThresholdPercent").asDouble()).isEqualTo(5.0);
        JsonNode patterns = json.path("patterns");
        assertThat(patterns).extracting(p -> p.path("pattern").asText())
                .containsExactly("user:*", "referral:*", "count:*", "leaderboard:*");
        JsonNode users = patterns.get(0);
        assertThat(users.path("sampled").asInt()).isEqualTo(20);
        assertThat(users.path("divergent").asInt()).isEqualTo(4);
        assertThat(users.path("divergencePercent").asDouble()).isEqualTo(20.0);
        assertThat(users.path("oldestStalenessMs").isNumber()).isTrue();
        assertThat(users.path("oldestStalenessMs").asLong()).isNotNegative();
        JsonNode last = users.path("lastFiveMinutes");
        assertThat(last.path("rounds").asInt()).isPositive();
        assertThat(last.path("maxDivergent").asInt()).isEqualTo(4);
        assertThat(last.path("maxDivergencePercent").asDouble()).isEqualTo(20.0);
        assertThat(patterns.get(1).path("sampled").asInt()).isZero();
        assertThat(patterns.get(1).path("oldestStalenessMs").isNull()).isTrue();
        assertThat(patterns.get(1).path("lastFiveMinutes").path("maxOldestStalenessMs").isNull()).isTrue();
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void textIsATableWithOneLinePerPattern() {
        int code = run(TestServers.redisUrl());

        assertThat(code).as(cli.err()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("PATTERN").contains("SAMPLED").contains("DIVERGENT").contains("OLDEST STALE MS")
                .contains("LAST 5 MIN");
        assertThat(cli.out().lines()).anyMatch(l -> l.matches("user:\\*\\s+20\\s+4\\s+20\\.00%\\s+\\d+\\s+\\d+, 20\\.00%, \\d+"));
        assertThat(cli.out().lines()).anyMatch(l -> l.matches("referral:\\*\\s+0\\s+0\\s+0\\.00%\\s+-\\s+\\d+, 0\\.00%, -"));
        assertThat(cli.out().lines()).anyMatch(l -> l.startsWith("count:*"));
        assertThat(cli.out().lines()).anyMatch(l -> l.startsWith("leaderboard:*"));
    }

    @Test
    void anUnreachableRedisIsOneLineWithExit2() {
        int port = TestServers.freePort();

        int code = run("redis://127.0.0.1:" + port, "--redis-timeout", "1s");

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("error: Redis at 127.0.0.1:" + port + " does not answer")
                .contains("redis.url");
        assertThat(cli.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void cacheListsDivergenceAsASubcommand() {
        int code = cli.run("cache", "--help");

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("divergence");
    }
}
