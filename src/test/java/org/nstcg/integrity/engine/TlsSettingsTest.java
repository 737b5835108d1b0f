package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.cache.RedisSettings;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.config.EngineConfig.ServerMode;

/** TLS settings for real servers pass validation and reach the drivers unchanged (no server needed). */
class TlsSettingsTest {

    private static EngineConfig load(Map<ConfigKey, String> flags) {
        return new ConfigLoader(Map.of(), Path.of("target", "tls-settings-home")).load(Optional.empty(), flags);
    }

    @Test
    void aVerifyFullJdbcUrlIsValidAndReachesPgjdbcUnchanged() {
        String url = "jdbc:postgresql://db.example.org:5433/integrity?sslmode=verify-full&sslrootcert=/etc/integrity/ca.crt";

        EngineConfig config = load(Map.of(ConfigKey.DB_URL, url));

        assertThat(config.databaseMode()).isEqualTo(ServerMode.EXTERNAL);
        assertThat(config.dbEndpoint().orElseThrow()).hasToString("db.example.org:5433");
        assertThat(IntegrityEngine.databaseSettings(config, null).jdbcUrl()).isEqualTo(url);
        String javaTrustStore = "jdbc:postgresql://db.example.org/integrity?sslmode=verify-full"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";
        assertThat(IntegrityEngine.databaseSettings(load(Map.of(ConfigKey.DB_URL, javaTrustStore)), null).jdbcUrl())
                .isEqualTo(javaTrustStore);
    }

    @Test
    void aRedissUrlAsksForTls() {
        RedisSettings tls = IntegrityEngine.redisSettings(load(Map.of(ConfigKey.REDIS_URL, "rediss://cache.example.org:6380/2")), null);
        RedisSettings plain = IntegrityEngine.redisSettings(load(Map.of(ConfigKey.REDIS_URL, "redis://cache.example.org")), null);

        assertThat(tls.ssl()).isTrue();
        assertThat(tls.host()).isEqualTo("cache.example.org");
        assertThat(tls.port()).isEqualTo(6380);
        assertThat(plain.ssl()).isFalse();
    }
}
