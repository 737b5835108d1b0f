package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/** {@code register} and {@code referral check} against real servers: outcomes and exit codes. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class RegistrationCommandsIT {

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
    void registerPrintsTheOutcomeWithItsExitCode() throws Exception {
        assertThat(run("register", "--email", "Cli.User@Gmail.com", "--first-name", "Cli", "--json")).isZero();
        JsonNode registered = new ObjectMapper().readTree(cli.out());
        assertThat(registered.path("outcome").asText()).isEqualTo("registered");
        String code = registered.path("referralCode").asText();
        assertThat(code).startsWith("CLIX-");
        assertThat(registered.path("link").asText()).isEqualTo("integrity://user/" + registered.path("userId").asLong());

        assertThat(run("register", "--email", "cliuser+again@googlemail.com", "--first-name", "Cli")).isEqualTo(ExitCodes.ALREADY);
        assertThat(cli.out()).startsWith("Already registered: an active user has the mailbox cliuser@gmail.com.");

        assertThat(run("register", "--email", "friend.of.cli@example.org", "--first-name", "Fen", "--referral", code.toLowerCase()))
                .isZero();
        assertThat(cli.out()).contains("credited").containsPattern("(?m)^link: integrity://user/\\d+$");

        assertThat(run("register", "--email", "nobody@example", "--first-name", "No")).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.out()).startsWith("Invalid: the email address has a domain");

        assertThat(run("referral", "check", code.substring(5))).isZero();
        assertThat(cli.out()).startsWith("valid: " + code + " belongs to user " + registered.path("userId").asLong())
                .contains(System.lineSeparator() + "link: integrity://user/" + registered.path("userId").asLong());

        int i = 5;
        while (code.charAt(i) == code.charAt(i + 1)) {
            i++;
        }
        String swapped = code.substring(0, i) + code.charAt(i + 1) + code.charAt(i) + code.substring(i + 2);
        assertThat(run("referral", "check", swapped)).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.out()).startsWith("mistyped:");

        assertThat(run("referral", "check", "LEGACY-CODE-1")).isEqualTo(ExitCodes.ALREADY);
        assertThat(cli.out()).startsWith("unknown: LEGACY-CODE-1");
    }

    @Test
    void referralCheckOfATextLongerThanAnyCodeExitsFourWithoutEchoingIt() {
        String huge = "Q".repeat(5000);
        assertThat(run("referral", "check", huge)).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.out()).startsWith("invalid: the code is longer than 32 characters").doesNotContain("QQQQ");
    }

    @Test
    void registerWithTheDatabaseDownSaysSoInOneLineWithExit2() {
        int code = cli.run("register", "--email", "a@example.org", "--first-name", "A",
                "--db-url", "jdbc:postgresql://127.0.0.1:" + TestServers.freePort() + "/x", "--db-connect-timeout", "1s",
                "--redis-url", TestServers.redisUrl());

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli.err().strip()).hasLineCount(1).startsWith("error: Cannot reach PostgreSQL");
    }
}
