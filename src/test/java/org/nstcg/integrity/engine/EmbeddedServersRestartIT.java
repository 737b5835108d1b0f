package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EmbeddedServers;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.ManualScheduler;
import redis.clients.jedis.Jedis;

/**
 * A service engine that owns the embedded servers starts a killed one again, on its port and with its password, so
 * the engine returns to HEALTHY by itself (issue 15 §4: the console stayed DEGRADED after its redis-server was
 * killed). The watcher is stepped with a {@link ManualScheduler}; the only real waits are for killed processes to end
 * and for connection attempts to a stopped PostgreSQL to time out, which {@code db.connect-timeout=1s} keeps short
 * (with the default 5 s, each background task stepped while it was down waited for it: 20 s of the test's 35 s), and
 * for the pool to open a connection to a restarted one (its retries back off up to that timeout).
 */
class EmbeddedServersRestartIT {

    @TempDir
    Path dataDir;

    private IntegrityEngine start(ManualScheduler scheduler) {
        EngineConfig config = new ConfigLoader(Map.of(), dataDir.resolve("home"))
                .load(Optional.empty(), Map.of(ConfigKey.DATA_DIR, dataDir.toString(), ConfigKey.DB_CONNECT_TIMEOUT, "1s"));
        return IntegrityEngine.start(config, scheduler.clock(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, scheduler);
    }

    private static long pidIn(Path file) throws Exception {
        return Long.parseLong(Files.readAllLines(file).get(0).trim());
    }

    private String redisPassword() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dataDir.resolve("embedded-secrets.properties"))) {
            p.load(r);
        }
        return p.getProperty("redis.password");
    }

    /** The engine's health once it is HEALTHY, or its last health after {@code limit} (a real server coming back). */
    private static EngineHealth healthyWithin(IntegrityEngine engine, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        EngineHealth health = engine.health();
        while (health.state() != EngineHealth.State.HEALTHY && System.nanoTime() < deadline) {
            Thread.sleep(100);
            health = engine.health();
        }
        return health;
    }

    private static void killAndWait(long pid) throws Exception {
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        handle.destroyForcibly(); // SIGKILL
        handle.onExit().get(20, TimeUnit.SECONDS);
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        for (ProcessHandle p : processes) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        }
    }

    @Test
    void aKilledEmbeddedRedisIsStartedAgainOnItsPortWithItsPasswordAndTheEngineIsHealthyAgain() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        try (IntegrityEngine engine = start(scheduler)) {
            EmbeddedServers servers = engine.embeddedServers().orElseThrow();
            int port = servers.redisPort().orElseThrow();
            assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
            assertThat(engine.scheduler().tasks()).contains("embedded-servers");
            long killed = pidIn(dataDir.resolve("redis/redis.pid"));

            killAndWait(killed);
            EngineHealth degraded = engine.health();
            assertThat(degraded.state()).isEqualTo(EngineHealth.State.DEGRADED);
            assertThat(degraded.redis().problem().orElseThrow())
                    .contains("This console starts the embedded Redis again if its process has stopped.");

            scheduler.advance(EmbeddedServers.WATCH_INTERVAL);

            long restarted = pidIn(dataDir.resolve("redis/redis.pid"));
            assertThat(restarted).isNotEqualTo(killed);
            assertThat(servers.redisPort()).hasValue(port);
            assertThat(servers.redisProblem()).isEmpty();
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.auth(redisPassword());
                assertThat(jedis.ping()).isEqualTo("PONG");
            }
            assertThat(Files.readString(dataDir.resolve("embedded-runtime.properties"))).contains("redis.pid=" + restarted);
            EngineHealth healthy = engine.health();
            assertThat(healthy.state()).as(healthy.toString()).isEqualTo(EngineHealth.State.HEALTHY);
        }
    }

    @Test
    void aKilledEmbeddedPostgresIsReportedWhileItsProcessesLiveAndStartedAgainOnceThatIsSafe() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        try (IntegrityEngine engine = start(scheduler)) {
            EmbeddedServers servers = engine.embeddedServers().orElseThrow();
            int port = servers.postgresPort().orElseThrow();
            try (Connection c = engine.database().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO users (email, email_normalized, referral_code, first_name)"
                        + " VALUES ('Ada@Example.org', 'ada@example.org', 'KEEP0001', 'Ada')");
            }
            long postmaster = pidIn(dataDir.resolve("postgres/postmaster.pid"));
            List<ProcessHandle> children = ProcessHandle.of(postmaster).orElseThrow().children().toList();
            assertThat(children).isNotEmpty();

            // The postmaster dies while its children, stopped, still hold its shared memory: starting a second
            // postmaster on the same files now would be unsafe, and PostgreSQL refuses.
            signal("STOP", children);
            try {
                killAndWait(postmaster);
                scheduler.advance(EmbeddedServers.WATCH_INTERVAL);
                EngineHealth down = engine.health();
                assertThat(down.state()).isEqualTo(EngineHealth.State.DOWN);
                assertThat(down.database().problem().orElseThrow())
                        .contains("The embedded PostgreSQL (port " + port + ") has stopped and could not be started again yet")
                        .contains("tries again every 2 s");
            } finally {
                signal("CONT", children);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS); // they notice the postmaster is gone and exit
            }

            scheduler.advance(EmbeddedServers.WATCH_INTERVAL);

            assertThat(servers.postgresProblem()).isEmpty();
            assertThat(pidIn(dataDir.resolve("postgres/postmaster.pid"))).isNotEqualTo(postmaster);
            assertThat(servers.postgresPort()).hasValue(port);
            EngineHealth healthy = healthyWithin(engine, Duration.ofSeconds(10));
            assertThat(healthy.state()).as(healthy.toString()).isEqualTo(EngineHealth.State.HEALTHY);
            assertThat(engine.figures().users()).isEqualTo(1);
        }
    }

    @Test
    void anAttachedEngineDoesNotWatchTheOwnersServers() throws Exception {
        ManualScheduler ownerScheduler = new ManualScheduler();
        ManualScheduler attachedScheduler = new ManualScheduler();
        try (IntegrityEngine owner = start(ownerScheduler); IntegrityEngine attached = start(attachedScheduler)) {
            assertThat(owner.embeddedServers().orElseThrow().owner()).isTrue();
            assertThat(attached.embeddedServers().orElseThrow().owner()).isFalse();
            assertThat(attached.scheduler().tasks()).doesNotContain("embedded-servers");
            assertThat(Duration.ofSeconds(2)).isEqualTo(EmbeddedServers.WATCH_INTERVAL);
        }
    }
}
