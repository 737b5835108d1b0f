package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.Launcher;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.EmbeddedEngineChild;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The embedded default: data survives restarts, a killed JVM's servers are recovered by the next start, a stale
 * {@code postmaster.pid} does not block a start, and a second process attaches to the running servers. Both servers
 * let in only who has the generated passwords (a second local OS user reaches loopback too), and a data directory made
 * on trust by an older version is converted at its next start.
 */
class EmbeddedModeIT {

    @TempDir
    Path dataDir;

    private EngineConfig embeddedConfig() {
        return new ConfigLoader(Map.of(), dataDir.resolve("home"))
                .load(Optional.empty(), Map.of(ConfigKey.DATA_DIR, dataDir.toString()));
    }

    private static void insertUser(IntegrityEngine engine, String email, String code) throws Exception {
        try (Connection c = engine.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO users (email, email_normalized, referral_code, first_name) VALUES ('"
                    + email + "', '" + email.toLowerCase() + "', '" + code + "', 'Ada')");
        }
    }

    private Properties secrets(Path dir) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("embedded-secrets.properties"))) {
            p.load(r);
        }
        return p;
    }

    private static String permissions(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** The rules of the cluster's pg_hba.conf, comments left out. */
    private static List<String> hbaRules(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("postgres/pg_hba.conf")).stream()
                .map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
    }

    private static String pgUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * Logins as postgres without the file's password are refused: a guessed one by the server (28P01), the empty one
     * the engine sent before and none at all because the server asks for SCRAM (pgjdbc then stops before sending).
     */
    private static void assertPostgresRefusesWithoutThePassword(int port) {
        SQLException guessed = catchSql(() -> DriverManager.getConnection(pgUrl(port), "postgres", "postgres").close());
        assertThat((Throwable) guessed).as("login with a guessed password").isNotNull();
        assertThat(guessed.getSQLState()).as(guessed.getMessage()).isIn("28P01", "28000");
        SQLException empty = catchSql(() -> DriverManager.getConnection(pgUrl(port), "postgres", "").close());
        assertThat((Throwable) empty).as("login with an empty password").isNotNull();
        assertThat(empty.getMessage()).contains("SCRAM");
        Properties noPassword = new Properties();
        noPassword.setProperty("user", "postgres");
        SQLException none = catchSql(() -> DriverManager.getConnection(pgUrl(port), noPassword).close());
        assertThat((Throwable) none).as("login without a password").isNotNull();
        assertThat(none.getMessage()).contains("SCRAM");
    }

    private static void assertPostgresLetsInWith(int port, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl(port), "postgres", password);
             Statement st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    private static SQLException catchSql(SqlAction action) {
        try {
            action.run();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void dataSurvivesAStopAndStartAndTheServersStopWithTheEngine() throws Exception {
        int pgPort;
        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
            assertThat(engine.figures().users()).isZero();
            insertUser(engine, "Ada@Example.org", "KEEP0001");
            pgPort = engine.embeddedServers().orElseThrow().postgresPort().orElseThrow();
        }
        assertThat(listening(pgPort)).as("embedded PostgreSQL stopped with the engine").isFalse();
        assertThat(dataDir.resolve("postgres/postmaster.pid")).doesNotExist();
        assertThat(dataDir.resolve("embedded-runtime.properties")).doesNotExist();

        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.figures().users()).isEqualTo(1);
            assertThat(engine.figures().referralCodesIssued()).isEqualTo(1);
            assertThat(engine.health().schemaVersion()).isPresent();
        }
    }

    @Test
    void aStartAfterTheOwnerWasKilledStopsItsOrphanedServersAndKeepsTheData() throws Exception {
        Process child = ChildJvm.builder(EmbeddedEngineChild.class, dataDir.toString()).redirectErrorStream(true).start();
        String ready;
        try {
            ready = ChildJvm.awaitLine(child, "READY", Duration.ofSeconds(120));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks run
            child.waitFor();
        }
        String[] parts = ready.split(" ");
        int orphanPgPort = Integer.parseInt(parts[1]);
        int orphanRedisPort = Integer.parseInt(parts[2]);
        assertThat(listening(orphanPgPort)).as("PostgreSQL outlives the killed JVM").isTrue();
        long orphanPgPid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());

        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
            assertThat(ProcessHandle.of(orphanPgPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("orphaned postmaster stopped").isFalse();
            assertThat(listening(orphanPgPort)).isFalse();
            assertThat(listening(orphanRedisPort)).as("orphaned Redis stopped").isFalse();
            insertUser(engine, "after@example.org", "KEEP0002");
            assertThat(engine.figures().users()).isEqualTo(1);
        }
    }

    @Test
    void aStalePostmasterPidNamingAnotherProgramDoesNotBlockTheStart() throws Exception {
        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            insertUser(engine, "stale@example.org", "KEEP0003");
        }
        // A pid that is alive but is not PostgreSQL (this JVM): PostgreSQL itself would refuse to start.
        Files.writeString(dataDir.resolve("postgres/postmaster.pid"),
                ProcessHandle.current().pid() + "\n" + dataDir.resolve("postgres") + "\n");

        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.figures().users()).isEqualTo(1);
        }
    }

    @Test
    void theEmbeddedServersLetInOnlyWithTheGeneratedPasswordsKeptInAPrivateFile() throws Exception {
        Path data = dataDir.resolve("created-by-the-engine");
        EngineConfig config = new ConfigLoader(Map.of(), dataDir.resolve("home"))
                .load(Optional.empty(), Map.of(ConfigKey.DATA_DIR, data.toString()));
        try (IntegrityEngine engine = IntegrityEngine.start(config, ProgressListener.NONE)) {
            assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
            var servers = engine.embeddedServers().orElseThrow();
            Properties secrets = secrets(data);
            String pgPassword = secrets.getProperty("postgres.password");
            String redisPassword = secrets.getProperty("redis.password");
            assertThat(pgPassword).matches("[0-9a-f]{64}");
            assertThat(redisPassword).matches("[0-9a-f]{64}").isNotEqualTo(pgPassword);

            assertThat(permissions(data)).as("data directory").isEqualTo("rwx------");
            assertThat(permissions(data.resolve("embedded-secrets.properties"))).isEqualTo("rw-------");
            assertThat(permissions(data.resolve("redis/redis.conf"))).isEqualTo("rw-------");
            assertThat(permissions(data.resolve("redis"))).isEqualTo("rwx------");

            int pgPort = servers.postgresPort().orElseThrow();
            assertPostgresRefusesWithoutThePassword(pgPort);
            assertPostgresLetsInWith(pgPort, pgPassword);
            assertThat(hbaRules(data)).isNotEmpty().allMatch(rule -> rule.endsWith("scram-sha-256"));

            int redisPort = servers.redisPort().orElseThrow();
            try (Jedis anonymous = new Jedis("127.0.0.1", redisPort)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(anonymous::ping))
                        .isInstanceOf(JedisDataException.class).hasMessageContaining("NOAUTH");
            }
            try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
                jedis.auth(redisPassword);
                assertThat(jedis.ping()).isEqualTo("PONG");
                assertThat(jedis.configGet("bind")).containsEntry("bind", "127.0.0.1");
                assertThat(jedis.configGet("protected-mode")).containsEntry("protected-mode", "yes");
            }
            // Neither password is on a command line, which every local user can read with ps.
            long redisPid = Long.parseLong(Files.readString(data.resolve("redis/redis.pid")).trim());
            long pgPid = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
            for (long pid : List.of(redisPid, pgPid)) {
                String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                assertThat(commandLine).doesNotContain(pgPassword).doesNotContain(redisPassword);
            }
            assertThat(servers.redisBinary()).hasValueSatisfying(b -> assertThat(b.version()).isNotBlank());
        }
        assertThat(data.resolve(".initdb-password")).doesNotExist();
    }

    @Test
    void aDataDirectoryMadeOnTrustByAnOlderVersionIsConvertedAtItsNextStart() throws Exception {
        // What versions before the passwords left: initdb -A trust, no password, no secrets file.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false).setLocaleConfig("locale", "C").start()) {
            try (Connection c = DriverManager.getConnection(pgUrl(old.getPort()), "postgres", "")) {
                assertThat(c.isValid(5)).as("the old cluster trusts loopback").isTrue();
            }
        }
        assertThat(hbaRules(dataDir)).anyMatch(rule -> rule.endsWith("trust"));
        assertThat(dataDir.resolve("embedded-secrets.properties")).doesNotExist();

        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
            insertUser(engine, "converted@example.org", "KEEP0005");
            int pgPort = engine.embeddedServers().orElseThrow().postgresPort().orElseThrow();
            assertPostgresRefusesWithoutThePassword(pgPort);
            assertPostgresLetsInWith(pgPort, secrets(dataDir).getProperty("postgres.password"));
            assertThat(hbaRules(dataDir)).isNotEmpty().allMatch(rule -> rule.endsWith("scram-sha-256"));
            assertThat(permissions(dataDir.resolve("embedded-secrets.properties"))).isEqualTo("rw-------");
        }

        // A lost secrets file: the next start sets a new password instead of failing on the unknown one.
        Files.delete(dataDir.resolve("embedded-secrets.properties"));
        try (IntegrityEngine engine = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            assertThat(engine.figures().users()).isEqualTo(1);
            int pgPort = engine.embeddedServers().orElseThrow().postgresPort().orElseThrow();
            assertPostgresRefusesWithoutThePassword(pgPort);
            assertPostgresLetsInWith(pgPort, secrets(dataDir).getProperty("postgres.password"));
        }
    }

    @Test
    void aSecondProcessAttachesToTheRunningServersInsteadOfStartingItsOwn() throws Exception {
        try (IntegrityEngine owner = IntegrityEngine.start(embeddedConfig(), ProgressListener.NONE)) {
            insertUser(owner, "attach@example.org", "KEEP0004");

            ChildJvm.Result status = ChildJvm.run(ChildJvm.builder(Launcher.class,
                    "--data-dir", dataDir.toString(), "status", "--json"), Duration.ofSeconds(120));

            assertThat(status.exitCode()).as(status.stderr()).isZero();
            JsonNode json = new ObjectMapper().readTree(status.stdout());
            assertThat(json.path("state").asText()).isEqualTo("HEALTHY");
            assertThat(json.path("embedded").path("owner").asBoolean()).isFalse();
            assertThat(json.path("embedded").path("ownerPid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(json.path("database").path("endpoint").asText())
                    .endsWith(":" + owner.embeddedServers().orElseThrow().postgresPort().orElseThrow());
            assertThat(json.path("figures").path("users").asLong()).isEqualTo(1);
            // It logged in to both password-protected servers with the owner's secrets file.
            assertThat(json.path("redis").path("up").asBoolean()).as(status.stdout()).isTrue();
            assertThat(json.path("embedded").path("redis").path("version").asText())
                    .isEqualTo(owner.embeddedServers().orElseThrow().redisBinary().orElseThrow().version());
            assertThat(json.path("embedded").path("redis").path("source").asText()).isIn("configured", "path", "bundled");
            assertThat(status.stdout()).doesNotContain(secrets(dataDir).getProperty("postgres.password"))
                    .doesNotContain(secrets(dataDir).getProperty("redis.password"));
            // The attached process let go without stopping the owner's servers.
            assertThat(owner.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
        }
    }
}
