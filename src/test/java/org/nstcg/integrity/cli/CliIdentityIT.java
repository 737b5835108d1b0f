package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * CLI identity (issue 14, §1): the review's {@code accounts create rogue --role administrator --actor admin1} succeeded
 * and was audited as {@code admin1}. Now the audited actor is the OS user with {@code --actor} as a label, and an
 * administrator-only action needs the schema owner's credentials or a console administrator's sign-in: holding the
 * runtime login's configuration is not enough.
 */
class CliIdentityIT {

    private static final String OS_USER = System.getProperty("user.name");

    private static String role;
    private static String password;
    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();
    private final InputStream stdin = System.in;

    @BeforeAll
    static void start() throws SQLException {
        role = "ic_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        password = "rt-" + UUID.randomUUID();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        }
        db = TestDatabase.empty();
        try (IntegrityEngine owner = IntegrityEngine.start(db.config(Map.of(ConfigKey.DB_USER, role, ConfigKey.DB_PASSWORD, password,
                ConfigKey.DB_MIGRATION_USER, TestServers.dbUser(), ConfigKey.DB_MIGRATION_PASSWORD, TestServers.dbPassword())),
                ProgressListener.NONE)) {
            TestAccounts.signIn(owner, Role.ADMINISTRATOR); // the first administrator, "admin"
            TestAccounts.signIn(owner, Role.OPERATOR);
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        if (db != null) {
            db.close();
        }
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("DROP OWNED BY " + role);
            st.execute("DROP ROLE " + role);
        }
    }

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    /** The CLI with the runtime role's login only: what a console user's configuration holds. */
    private int asRuntime(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        List<String> all = new ArrayList<>(List.of(args));
        List<String> flags = new ArrayList<>(db.cliFlags());
        flags.set(flags.indexOf("--db-user") + 1, role);
        flags.set(flags.indexOf("--db-password") + 1, password);
        all.addAll(flags);
        return cli.run(all.toArray(String[]::new));
    }

    /** The same with the schema owner's credentials as well. */
    private int asOwner(String input, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db-migration-user", TestServers.dbUser(), "--db-migration-password", TestServers.dbPassword()));
        return asRuntime(input, all.toArray(String[]::new));
    }

    private static List<String> audited(String action) throws SQLException {
        List<String> actors = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT actor FROM audit_log WHERE action = '" + action + "' ORDER BY id")) {
            while (rs.next()) {
                actors.add(rs.getString(1));
            }
        }
        return actors;
    }

    private static boolean accountExists(String username) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM console_accounts WHERE username = '" + username + "'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    @Test
    void theRuntimeLoginAloneCannotCreateAnAdministratorWhateverActorItNames() throws Exception {
        assertThat(asRuntime("a long enough passphrase\n", "accounts", "create", "rogue", "--display-name", "Rogue",
                "--role", "administrator", "--actor", "admin1")).isEqualTo(ExitCodes.DENIED);
        assertThat(cli.err()).contains("Only an administrator may manage console accounts").contains("db.migration-user")
                .contains("--sign-in");
        assertThat(accountExists("rogue")).isFalse();
        assertThat(audited("account.created")).hasSize(2); // the two made at start, nothing for rogue

        assertThat(asRuntime("", "repair", "points", "--actor", "admin1", "--reason", "x")).isEqualTo(ExitCodes.DENIED);
        assertThat(asRuntime("", "repair", "points", "--dry-run")).as("a preview changes nothing").isZero();
    }

    @Test
    void theOwnersCredentialsOrAnAdministratorsSignInMayAndTheOsUserIsAlwaysRecorded() throws Exception {
        assertThat(asOwner("a long enough passphrase\n", "accounts", "create", "owen", "--display-name", "Owen",
                "--role", "support", "--actor", "admin1")).isZero();
        assertThat(audited("account.created")).last().isEqualTo(OS_USER + " (cli, --actor admin1)");

        assertThat(asRuntime(TestAccounts.PASSWORD + "\na long enough passphrase\n", "accounts", "create", "sia",
                "--display-name", "Sia", "--role", "support", "--sign-in", TestAccounts.ADMIN)).isZero();
        assertThat(accountExists("sia")).isTrue();
        assertThat(audited("account.created")).last().isEqualTo(TestAccounts.ADMIN + " (cli, OS user " + OS_USER + ")");
    }

    @Test
    void aFailedOrUnderprivilegedSignInIsRefusedWithTheOneSentence() throws Exception {
        assertThat(asRuntime("wrong password\na long enough passphrase\n", "accounts", "create", "eve", "--display-name", "Eve",
                "--role", "support", "--sign-in", TestAccounts.ADMIN)).isEqualTo(ExitCodes.DENIED);
        assertThat(cli.err()).contains("Sign-in failed: check the user name and password");
        assertThat(accountExists("eve")).isFalse();

        assertThat(asRuntime(TestAccounts.PASSWORD + "\na long enough passphrase\n", "accounts", "create", "eve",
                "--display-name", "Eve", "--role", "support", "--sign-in", TestAccounts.username(Role.OPERATOR)))
                .as("an operator's account may not manage accounts").isEqualTo(ExitCodes.DENIED);
        assertThat(cli.err()).contains("may not manage console accounts");
        assertThat(accountExists("eve")).isFalse();
    }
}
