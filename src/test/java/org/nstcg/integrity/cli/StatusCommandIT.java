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
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/** {@code status} against real servers: healthy figures, and one clear stderr line with exit 2 when a server is unreachable. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class StatusCommandIT {

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void createDatabase(TestDatabase slice) {
        db = slice;
    }

    /** {@code status} on this test's slice, with the given servers. */
    private int status(String dbUrl, String redisUrl, String... extra) {
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(db.cliFlags(dbUrl, redisUrl));
        args.addAll(List.of("--db-connect-timeout", "2s"));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    void reportsHealthyServersSchemaAndCountsAsJson() throws Exception {
        assertThat(status(TestServers.jdbcUrl(), TestServers.redisUrl(), "--json")).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO users (email, email_normalized, referral_code, first_name, status, merged_into)"
                    + " VALUES ('A@x.org', 'a@x.org', 'STAT0001', 'A', 'active', NULL)");
            st.executeUpdate("INSERT INTO users (email, email_normalized, referral_code, first_name, status, merged_into)"
                    + " VALUES ('a+1@x.org', 'a@x.org', 'STAT0002', 'A', 'merged', (SELECT id FROM users WHERE referral_code = 'STAT0001'))");
        }

        int code = status(TestServers.jdbcUrl(), TestServers.redisUrl(), "--json");

        assertThat(code).as(cli.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.path("state").asText()).isEqualTo("HEALTHY");
        assertThat(json.path("database").path("up").asBoolean()).isTrue();
        assertThat(json.path("database").path("mode").asText()).isEqualTo("external");
        assertThat(json.path("database").path("version").asText()).matches("\\d+(\\.\\d+)*");
        assertThat(json.path("redis").path("up").asBoolean()).isTrue();
        assertThat(json.path("schemaVersion").asText()).isNotBlank();
        assertThat(json.path("figures").path("users").asLong()).isEqualTo(2);
        assertThat(json.path("figures").path("activeUsers").asLong()).isEqualTo(1);
        assertThat(json.path("figures").path("referralCodesIssued").asLong()).isEqualTo(2);
        assertThat(json.path("figures").path("lastUpdate").isTextual()).isTrue();
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void aSingleLoginIsReportedWithWhatToChange() throws Exception {
        int code = status(TestServers.jdbcUrl(), TestServers.redisUrl(), "--json");

        assertThat(code).as(cli.err()).isZero();
        JsonNode roles = new ObjectMapper().readTree(cli.out()).path("database").path("roles");
        assertThat(roles.path("runtimeUser").asText()).isEqualTo(TestServers.dbUser());
        assertThat(roles.path("migrationUser").asText()).isEqualTo(TestServers.dbUser());
        assertThat(roles.path("runtimeOwnsSchema").asBoolean()).isTrue();
        assertThat(roles.path("warning").asText()).startsWith("single login: the engine's login owns the schema, so it could"
                + " rewrite the audit trail; set db.migration-user");

        assertThat(status(TestServers.jdbcUrl(), TestServers.redisUrl())).isZero();
        assertThat(cli.out()).contains("Roles       " + TestServers.dbUser() + " for runtime and migrations. Warning: single login");
    }

    @Test
    void textOutputNamesBothServers() {
        int code = status(TestServers.jdbcUrl(), TestServers.redisUrl());

        assertThat(code).isZero();
        assertThat(cli.out()).contains(": HEALTHY").contains("PostgreSQL  up").contains("Redis       up").contains("Users");
    }

    @Test
    void anUnreachableDatabaseIsOneLineNamingTheSettingAndEndpointWithExit2() throws Exception {
        int port = TestServers.freePort();

        int code = status("jdbc:postgresql://127.0.0.1:" + port + "/nowhere", TestServers.redisUrl(), "--json");

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).hasLineCount(1)
                .contains("db.url").contains("127.0.0.1:" + port).contains("--db-url");
        assertThat(cli.err()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.path("state").asText()).isEqualTo("DOWN");
        assertThat(json.path("setting").asText()).isEqualTo("db.url");
        assertThat(json.path("endpoint").asText()).isEqualTo("127.0.0.1:" + port);
    }

    @Test
    void anUnreachableRedisMeansDegradedWithExit2ButFiguresStillComeFromPostgres() throws Exception {
        int port = TestServers.freePort();

        int code = status(TestServers.jdbcUrl(), "redis://127.0.0.1:" + port, "--json");

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.path("state").asText()).isEqualTo("DEGRADED");
        assertThat(json.path("redis").path("up").asBoolean()).isFalse();
        assertThat(json.path("redis").path("problem").asText()).contains("redis.url").contains("127.0.0.1:" + port);
        assertThat(json.path("figures").path("users").isNumber()).isTrue();
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("warning: Cannot reach Redis at 127.0.0.1:" + port);
    }
}
