package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.embedded.RedisServer;

/** Starting against external servers: clear failures for PostgreSQL, DEGRADED and self-recovery for Redis. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class IntegrityEngineIT {

    private TestDatabase db;

    @BeforeEach
    void create(TestDatabase slice) {
        db = slice;
    }

    private static String withDatabase(String jdbcUrl, String database) {
        return jdbcUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + database + "$1");
    }

    @Test
    void aClosedPortNamesDbUrlAndTheEndpoint() {
        int port = TestServers.freePort();
        var config = db.config(Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:" + port + "/x", ConfigKey.DB_CONNECT_TIMEOUT, "1s"));

        assertThatThrownBy(() -> IntegrityEngine.start(config, ProgressListener.NONE))
                .isInstanceOfSatisfying(ServerUnavailableException.class, e -> {
                    assertThat(e.setting()).isEqualTo("db.url");
                    assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + port);
                    assertThat(e.getMessage()).startsWith("Cannot reach PostgreSQL at 127.0.0.1:" + port)
                            .contains("correct db.url");
                });
    }

    @Test
    void anUnknownUserNamesDbUser() {
        var config = db.config(Map.of(ConfigKey.DB_USER, "no_such_role_xyz"));

        assertThatThrownBy(() -> IntegrityEngine.start(config, ProgressListener.NONE))
                .isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("'no_such_role_xyz'")
                .hasMessageContaining("db.user");
    }

    @Test
    void aMissingDatabaseSaysSo() {
        var config = db.config(Map.of(ConfigKey.DB_URL, withDatabase(TestServers.jdbcUrl(), "no_such_db_xyz")));

        assertThatThrownBy(() -> IntegrityEngine.start(config, ProgressListener.NONE))
                .isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("no such database")
                .hasMessageContaining("no_such_db_xyz");
    }

    @Test
    void redisDownAtStartMeansDegradedAndTheEngineRecoversWhenRedisComesBack() throws Exception {
        int port = TestServers.freePort();
        var config = db.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port, ConfigKey.REDIS_TIMEOUT, "300ms"));

        try (IntegrityEngine engine = IntegrityEngine.start(config, ProgressListener.NONE)) {
            EngineHealth degraded = engine.health();
            assertThat(degraded.state()).isEqualTo(EngineHealth.State.DEGRADED);
            assertThat(degraded.redis().problem()).hasValueSatisfying(p -> assertThat(p).contains("127.0.0.1:" + port));
            assertThat(engine.figures().users()).isZero(); // PostgreSQL alone still serves

            RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
            redis.start();
            try {
                assertThat(engine.health().state()).isEqualTo(EngineHealth.State.HEALTHY);
                redis.stop();
                assertThat(engine.health().state()).isEqualTo(EngineHealth.State.DEGRADED);
            } finally {
                if (redis.isActive()) {
                    redis.stop();
                }
            }
        }
    }
}
