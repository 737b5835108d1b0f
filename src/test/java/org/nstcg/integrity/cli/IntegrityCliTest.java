package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.support.DeepLink;

/** The jar's command line: no sub-command opens the console, setting flags work anywhere, bad input is one line. */
class IntegrityCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<ConfigRequest> consoleRequest = new AtomicReference<>();
    private final AtomicReference<java.util.Optional<DeepLink>> consoleOpen = new AtomicReference<>();

    private int run(String... args) {
        return IntegrityCli.commandLine((request, open) -> {
            consoleRequest.set(request);
            consoleOpen.set(open);
            return 0;
        }, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void noSubCommandOpensTheConsoleWithTheGivenFlags() {
        int code = run("--db-url", "jdbc:postgresql://h:5432/d", "--config", "/tmp/x.properties", "--console-refresh", "2s");

        assertThat(code).isZero();
        assertThat(consoleRequest.get()).isNotNull();
        assertThat(consoleRequest.get().flags())
                .containsEntry(ConfigKey.DB_URL, "jdbc:postgresql://h:5432/d")
                .containsEntry(ConfigKey.CONSOLE_REFRESH, "2s");
        assertThat(consoleRequest.get().configFile()).contains(Path.of("/tmp/x.properties"));
    }

    @Test
    void openGivesTheConsoleTheLinkInEitherForm() {
        String id = "3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a";

        assertThat(run("--open", "saga/" + id)).isZero();
        assertThat(consoleOpen.get()).contains(DeepLink.saga(java.util.UUID.fromString(id)));
        assertThat(run("--open", "integrity://user/42")).isZero();
        assertThat(consoleOpen.get()).contains(DeepLink.user(42));
        assertThat(run()).isZero();
        assertThat(consoleOpen.get()).isEmpty();
    }

    @Test
    void aMalformedOpenIsAUsageErrorNamingTheAcceptedFormsAndOpensNothing() {
        int code = run("--open", "saga/42");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(consoleRequest.get()).isNull();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("error: Invalid value for option '--open': 'saga/42' does not end in a saga id")
                .contains("integrity://<kind>/<id> or <kind>/<id>, where <kind> is user, saga, audit or run")
                .contains("Run with --help for usage.")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void openWithASubCommandIsRefusedRatherThanIgnored() {
        int code = run("--open", "user/42", "status");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("error: --open opens the console on an item; it cannot be used with the 'status' command.");
    }

    @Test
    void aSubCommandDoesNotOpenTheConsole() {
        run("status", "--help");

        assertThat(consoleRequest.get()).isNull();
        assertThat(out.toString()).contains("status").contains("--json").contains("--db-url");
    }

    @Test
    void helpShowsPercentagesWithoutPicocliFormattingWarnings() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stray, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run("register", "--help");
        } finally {
            System.setErr(original);
        }

        assertThat(out.toString()).contains("0% to 100%");
        assertThat(stray.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("WARN");
    }

    @Test
    void helpNeverBreaksADefaultPathInTheMiddleNorWarns() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stray, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run("--help");
            run("status", "--help");
        } finally {
            System.setErr(original);
        }

        assertThat(out.toString()).contains("~/.local/share/integrity-console", "$XDG_DATA_HOME/integrity-console",
                "integrity-console/config.properties", "$XDG_CONFIG_HOME");
        assertThat(out.toString().lines().map(String::stripTrailing))
                .as("no line ends inside a path").noneMatch(l -> l.endsWith("~/.") || l.endsWith("/") || l.endsWith("config."));
        assertThat(stray.toString(java.nio.charset.StandardCharsets.UTF_8) + err).doesNotContain("[picocli WARN]");
    }

    @Test
    void malformedSettingOnStatusIsOneLineNamingTheKeyWithExitCode78() {
        int code = run("status", "--db-pool-size", "0");

        assertThat(code).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString().strip()).hasLineCount(1)
                .startsWith("error: The setting db.pool.size = '0' from the command-line flag --db-pool-size");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void settingFlagsAreAcceptedBeforeTheSubCommandToo() {
        int code = run("--db-pool-size", "0", "status");

        assertThat(code).isEqualTo(ExitCodes.CONFIG);
        assertThat(err.toString()).contains("db.pool.size");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        int code = run("bogus");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("bogus").contains("--help");
        assertThat(consoleRequest.get()).isNull();
    }
}
