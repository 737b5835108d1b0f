package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** {@code accounts}: set up an administrator without a display, and recover a locked-out one. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class AccountsCommandIT {

    private TestDatabase db;
    private final CliRunner cli = new CliRunner();
    private final InputStream stdin = System.in;

    @BeforeEach
    void create(TestDatabase slice) {
        db = slice;
    }

    @AfterEach
    void drop() throws Exception {
        System.setIn(stdin);
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void createListUnlockAndResetFromTheCommandLineAllAudited() throws Exception {
        assertThat(run("", "accounts", "list")).isZero();
        assertThat(cli.out()).startsWith("No console accounts yet");

        assertThat(run("a long enough passphrase\n", "accounts", "create", "Root", "--display-name", "Root Admin",
                "--role", "administrator", "--actor", "ops")).isZero();
        assertThat(cli.out()).contains("Created root (Administrator).");

        try (IntegrityEngine engine = db.startEngine()) {
            assertThat(engine.accounts().signIn("root", "a long enough passphrase")).isInstanceOf(SignInOutcome.SignedIn.class);
            for (int i = 0; i < 5; i++) {
                engine.accounts().signIn("root", "wrong " + i);
            }
            assertThat(engine.accounts().signIn("root", "a long enough passphrase")).isInstanceOf(SignInOutcome.LockedOut.class);
        }

        assertThat(run("", "accounts", "list", "--json")).isZero();
        JsonNode list = new ObjectMapper().readTree(cli.out());
        assertThat(list.get(0).path("username").asText()).isEqualTo("root");
        assertThat(list.get(0).path("locked").asBoolean()).isTrue();

        assertThat(run("", "accounts", "unlock", "root", "--actor", "ops")).isZero();
        assertThat(run("another passphrase!\n", "accounts", "reset-password", "root", "--actor", "ops")).isZero();

        try (IntegrityEngine engine = db.startEngine()) {
            assertThat(engine.accounts().signIn("root", "another passphrase!")).isInstanceOf(SignInOutcome.SignedIn.class);
            assertThat(engine.audit().list(TestActors.OPERATOR, Optional.of(TestActors.cli("ops")), Optional.empty(), Optional.of("root"), Optional.empty(), 10))
                    .extracting(AuditEntry::action)
                    .containsExactly("account.password_reset", "account.unlocked", "account.created");
        }
    }

    @Test
    void badInputIsRefusedWithTheRuleAndAnExitCode() {
        assertThat(run("short\n", "accounts", "create", "root", "--display-name", "Root", "--role", "administrator")).isEqualTo(4);
        assertThat(cli.err()).contains("Use a password of at least 12 characters.");
        assertThat(run("a long enough passphrase\n", "accounts", "create", "root", "--display-name", "Root", "--role", "boss"))
                .isEqualTo(64);
        assertThat(cli.err()).contains("--role must be administrator, support or operator");
        assertThat(run("", "accounts", "unlock", "nobody")).isEqualTo(4);
        assertThat(cli.err()).contains("There is no account nobody.");
    }
}
