package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nstcg.integrity.engine.config.ConfigException;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;

/** {@code cache.ttl}: the PRD's defaults, first match wins, and malformed rules named with what to write. */
class TtlPolicyTest {

    private static EngineConfig config(Map<ConfigKey, String> flags) {
        return new ConfigLoader(Map.of(), Path.of("target", "ttl-home")).load(Optional.empty(), flags);
    }

    @ParameterizedTest
    @CsvSource({"user:42, 300", "count:users, 60", "leaderboard:referrers, 120", "features:beta, 900", "session:abc, 1800",
            "rate:ip:1.2.3.4, 60", "temp:x, 300", "referral:ABCD-123456789, 300", "other, 300"})
    void thePrdDefaultsApplyWithoutConfiguration(String key, long seconds) {
        TtlPolicy policy = new TtlPolicy(config(Map.of()).cacheTtl());
        assertThat(policy.ttl(key)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void configuredRulesAreMatchedInOrderAndTheDefaultComesLast() {
        TtlPolicy policy = new TtlPolicy(config(Map.of(ConfigKey.CACHE_TTL, "default=10m, user:1*=5s, user:*=2m, count:users=30s")).cacheTtl());
        assertThat(policy.ttl("user:17")).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.ttl("user:27")).isEqualTo(Duration.ofMinutes(2));
        assertThat(policy.ttl("count:users")).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.ttl("count:other")).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.rules().get(policy.rules().size() - 1).pattern()).isEqualTo("default");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"user:*|rules such as", "user:*=fast|not like 300s", "*=5s|not a pattern",
            "user:*=0s|from 1s to 7 days", "user:*=30d|not like 300s"})
    void malformedRulesNameTheKeyAndSayWhatToWrite(String raw, String hint) {
        assertThatThrownBy(() -> config(Map.of(ConfigKey.CACHE_TTL, raw)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cache.ttl")
                .hasMessageContaining("PATTERN=DURATION")
                .hasMessageContaining(hint);
    }

    @ParameterizedTest
    @CsvSource({"5%, 0.05", "12.5, 0.125", "0%, 0", "100%, 1"})
    void theDivergenceThresholdIsAPercentage(String raw, double expected) {
        assertThat(config(Map.of(ConfigKey.CACHE_DIVERGENCE_ALERT, raw)).cacheDivergenceAlert()).isEqualTo(expected);
    }

    @Test
    void aThresholdOutsideZeroToHundredIsRefused() {
        assertThatThrownBy(() -> config(Map.of(ConfigKey.CACHE_DIVERGENCE_ALERT, "150%")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cache.divergence-alert").hasMessageContaining("0% to 100%");
    }
}
