package org.nstcg.integrity.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code db.statement-timeout} and {@code db.lock-timeout}: bounded by default, validated like every duration. */
class SessionTimeoutsConfigTest {

    private static EngineConfig config(Map<ConfigKey, String> raw) {
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        raw.forEach((k, v) -> values.put(k, new EngineConfig.Value(v, ConfigSource.DEFAULT)));
        return EngineConfig.of(values, Path.of("/tmp/data"));
    }

    @Test
    void pooledConnectionsAreBoundedByDefault() {
        EngineConfig c = config(Map.of());
        assertThat(c.dbStatementTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.dbLockTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badValuesNameTheKeyAndTheFormExpected() {
        assertThatThrownBy(() -> config(Map.of(ConfigKey.DB_LOCK_TIMEOUT, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db.lock-timeout = '0'").hasMessageContaining("a duration from 100ms");
        assertThatThrownBy(() -> config(Map.of(ConfigKey.DB_STATEMENT_TIMEOUT, "25h")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db.statement-timeout");
        assertThatThrownBy(() -> config(Map.of(ConfigKey.DB_STATEMENT_TIMEOUT, "5s", ConfigKey.DB_LOCK_TIMEOUT, "10s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no longer than db.statement-timeout (5s)");
        assertThat(config(Map.of(ConfigKey.DB_STATEMENT_TIMEOUT, "2m", ConfigKey.DB_LOCK_TIMEOUT, "1500ms")).dbLockTimeout())
                .isEqualTo(Duration.ofMillis(1500));
    }
}
