package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.Launcher;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.EmbeddedEngineChild;

/**
 * The embedded default: data survives restarts, a killed JVM's servers are recovered by the next start, a stale
 * {@code postmaster.pid} does not block a start, and a second process attaches to the running servers.
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
            // The attached process let go without stopping the owner's servers.
            assertThat(owner.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
        }
    }
}
