package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * Regression (issue 14, §4): a secret given as {@code --db-password}, in {@code db.url}'s query, in {@code redis.url}'s
 * user information or in the webhook URL appears nowhere in stdout, stderr or the log file, and the message still says
 * what to fix. Each case runs the jar's command line in a child JVM of its own (real stdout and stderr, a log
 * directory of its own whose file's permissions are checked too); only the {@code status} cases need the servers.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class SecretsNeverPrintedIT {

    /** Letters and digits only, unique to the run. */
    private static final String SENTINEL = "S3ntinel" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private static TestDatabase db;

    @TempDir
    Path tmp;

    @BeforeAll
    static void createDatabase(TestDatabase slice) {
        db = slice;
    }

    private record Run(int exitCode, String stdout, String stderr, String log) {
    }

    /**
     * Runs the jar's command line in a child JVM with its own log directory and home, and checks that the sentinel is
     * in none of its stdout, stderr and log file, and that the log file is 0600.
     */
    private Run run(String... args) throws Exception {
        Path logs = tmp.resolve("logs");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-Dintegrity.log.dir=" + logs, "-Duser.home=" + tmp.resolve("home"), FailingCommandChild.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("INTEGRITY_"));
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        pb.environment().put("XDG_DATA_HOME", tmp.resolve("data").toString());
        ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(120));
        Path log = logs.resolve("integrity-console.log");
        String logged = Files.exists(log) ? Files.readString(log) : "";
        Run run = new Run(r.exitCode(), r.stdout(), r.stderr(), logged);
        assertThat(run.stdout()).as("stdout").doesNotContain(SENTINEL);
        assertThat(run.stderr()).as("stderr").doesNotContain(SENTINEL);
        assertThat(run.log()).as("log file").doesNotContain(SENTINEL);
        if (Files.exists(log)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as("log file permissions").isEqualTo("rw-------");
        }
        return run;
    }

    @Test
    void aMalformedDatabaseUrlWithAPasswordIsRefusedWithoutThePassword() throws Exception {
        Run r = run("status", "--db-url", "jdbc:postgresql://127.0.0.1:1?password=" + SENTINEL);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.stderr()).startsWith("error: The setting db.url = 'jdbc:postgresql://127.0.0.1:1?password=****' from the"
                + " command-line flag --db-url is not valid: expected jdbc:postgresql://HOST[:PORT]/DATABASE");
    }

    @Test
    void aMalformedRedisUrlWithAPasswordIsRefusedWithoutThePassword() throws Exception {
        Run r = run("status", "--redis-url", "redis://app:" + SENTINEL + "@[bad");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.stderr()).startsWith("error: The setting redis.url = 'redis://app:****@[bad' from the command-line flag"
                + " --redis-url is not valid: expected redis://[USER:PASSWORD@]HOST");
    }

    @Test
    void aMalformedWebhookUrlIsRefusedShowingItsSchemeAndHostOnly() throws Exception {
        Run r = run("status", "--alerts-webhook-url", "ftp://hooks.example/" + SENTINEL + "?token=" + SENTINEL);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.stderr()).startsWith("error: The setting alerts.webhook-url = 'ftp://hooks.example/****' from the"
                + " command-line flag --alerts-webhook-url is not valid: expected an http or https URL");
    }

    /** pgjdbc refuses a query it cannot decode with "Unable to parse URL " and the URL, password included. */
    @Test
    void aDatabaseUrlTheDriverCannotParseIsReportedWithoutThePassword() throws Exception {
        Run r = run("status", "--db-url", "jdbc:postgresql://127.0.0.1:1/x?password=" + SENTINEL + "%zz", "--db-password", SENTINEL);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.stderr()).contains("Unable to parse URL jdbc:postgresql://127.0.0.1:1/x?password=****").contains("Check db.url");
    }

    @Test
    void aMistypedPasswordFlagIsNamedButItsValueIsNot() throws Exception {
        Run r = run("status", "--db-pasword", SENTINEL);

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).startsWith("error: Unknown options: '--db-pasword', '****'");
    }

    /** Regression: an unexpected failure logged the raw command line, --db-password and the webhook's token included. */
    @Test
    void anUnexpectedFailureLogsTheCommandLineAndTheExceptionRedacted() throws Exception {
        Run r = run("fail", "cannot open jdbc:postgresql://db:5432/app?user=app&password=" + SENTINEL + " via redis://app:" + SENTINEL
                        + "@cache:6379", "--db-password", SENTINEL, "--alerts-webhook-url", "https://hooks.example/T0K3N" + SENTINEL
                        + "?token=" + SENTINEL, "--redis-url=redis://:" + SENTINEL + "@cache:6379");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.stderr()).startsWith("error: an unexpected problem stopped the command (IllegalStateException)");
        assertThat(r.log()).contains("Unexpected failure of 'fail cannot open jdbc:postgresql://db:5432/app?user=app&password=****"
                        + " via redis://app:****@cache:6379 --db-password **** --alerts-webhook-url **** --redis-url=redis://:****@cache:6379'")
                .contains("java.lang.IllegalStateException: cannot open jdbc:postgresql://db:5432/app?user=app&password=****")
                .contains("\tat org.nstcg.integrity.cli.FailingCommandChild$Fail.call");
    }
    @Test
    void statusShowsTheWebhookAsItsSchemeAndHostOnly() throws Exception {
        Run r = status();

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains(": HEALTHY").contains("Alerts      webhook https://hooks.example/****");
        assertThat(r.log()).contains("started");
    }

    @Test
    void statusJsonShowsTheWebhookAsItsSchemeAndHostOnly() throws Exception {
        Run r = status("--json");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json.path("alerts").path("webhook").asText()).isEqualTo("https://hooks.example/****");
    }

    /** {@code status} on this class's slice of the real servers, with a webhook whose path and query are a token. */
    private Run status(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(db.cliFlags(TestServers.jdbcUrl(), TestServers.redisUrl()));
        args.addAll(List.of("--alerts-webhook-url", "https://hooks.example/T0K3N" + SENTINEL + "?token=" + SENTINEL));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }
}
