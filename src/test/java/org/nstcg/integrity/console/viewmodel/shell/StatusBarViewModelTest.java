package org.nstcg.integrity.console.viewmodel.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.engine.EngineHealth;
import org.nstcg.integrity.engine.ServerHealth;
import org.nstcg.integrity.engine.config.EngineConfig.ServerMode;

class StatusBarViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");
    private static final ServerHealth DB_UP = ServerHealth.up("PostgreSQL", ServerMode.EMBEDDED, "127.0.0.1:5433", "17.11");
    private static final ServerHealth DB_DOWN = ServerHealth.down("PostgreSQL", ServerMode.EMBEDDED, "127.0.0.1:5433",
            "PostgreSQL at 127.0.0.1:5433 does not answer (Connection refused).");
    private static final ServerHealth REDIS_UP = ServerHealth.up("Redis", ServerMode.EXTERNAL, "10.0.0.5:6379", "7.2.4");
    private static final ServerHealth REDIS_DOWN = ServerHealth.down("Redis", ServerMode.EXTERNAL, "10.0.0.5:6379",
            "Redis at 10.0.0.5:6379 does not answer.");

    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private EngineHealth current;
    private final StatusBarViewModel status = new StatusBarViewModel(() -> current, runner,
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5));

    @Test
    void healthyServersShowVersionModeAndEndpoint() {
        current = EngineHealth.of(DB_UP, REDIS_UP, Optional.of("1"), NOW);

        status.activate();

        assertThat(status.database().textProperty().get()).isEqualTo("PostgreSQL 17.11 · embedded · 127.0.0.1:5433");
        assertThat(status.redis().textProperty().get()).isEqualTo("Redis 7.2.4 · external · 10.0.0.5:6379");
        assertThat(status.database().upProperty().get()).isTrue();
        assertThat(status.stateTextProperty().get()).isEqualTo("HEALTHY");
        assertThat(status.checkedAtProperty().get()).isEqualTo("Checked 12:00:00");
        assertThat(status.bannerVisibleProperty().get()).isFalse();
    }

    @Test
    void redisDownIsDegradedWithItsProblemAsTooltipAndAWarningBannerUntilItRecovers() {
        current = EngineHealth.of(DB_UP, REDIS_DOWN, Optional.of("1"), NOW);

        status.activate();

        assertThat(status.stateTextProperty().get()).isEqualTo("DEGRADED");
        assertThat(status.degradedProperty().get()).isTrue();
        assertThat(status.redis().upProperty().get()).isFalse();
        assertThat(status.redis().problemProperty().get()).isEqualTo("Redis at 10.0.0.5:6379 does not answer.");
        assertThat(status.bannerVisibleProperty().get()).isTrue();
        assertThat(status.bannerWarningProperty().get()).isTrue();
        assertThat(status.bannerTextProperty().get()).startsWith("Redis at 10.0.0.5:6379 is unreachable: everything keeps working");

        current = EngineHealth.of(DB_UP, REDIS_UP, Optional.of("1"), NOW);
        runner.tick();
        assertThat(status.bannerVisibleProperty().get()).isFalse();
    }

    @Test
    void postgreSqlDownShowsTheBannerUntilItRecovers() {
        current = EngineHealth.of(DB_DOWN, REDIS_UP, Optional.empty(), NOW);
        status.activate();

        assertThat(status.bannerVisibleProperty().get()).isTrue();
        assertThat(status.bannerWarningProperty().get()).isFalse();
        assertThat(status.bannerTextProperty().get()).startsWith("PostgreSQL at 127.0.0.1:5433 is unreachable");
        assertThat(status.database().textProperty().get()).isEqualTo("PostgreSQL · embedded · 127.0.0.1:5433 · down");
        assertThat(status.downProperty().get()).isTrue();

        current = EngineHealth.of(DB_UP, REDIS_UP, Optional.of("1"), NOW);
        runner.tick();

        assertThat(status.bannerVisibleProperty().get()).isFalse();
        assertThat(status.downProperty().get()).isFalse();
        assertThat(status.database().problemProperty().get()).isEmpty();
    }
}
