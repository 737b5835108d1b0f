package org.nstcg.integrity.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;


/**
 * {@code api.port}, {@code api.bind}, the rate limits and {@code api.trusted-proxies}: defaults, their environment and
 * flag twins, and refusals that name the key.
 */
class ApiConfigTest {

    @TempDir
    Path home;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, home);
    }

    @Test
    void defaultsListenOnLoopbackPort8080() {
        EngineConfig config = loader(Map.of()).load(Optional.empty(), Map.of());

        assertThat(config.apiPort()).isEqualTo(8080);
        assertThat(config.apiBind()).isEqualTo("127.0.0.1");
        assertThat(config.apiRateLimitIp()).contains(new RateLimit(30, Duration.ofMinutes(1)));
        assertThat(config.apiRateLimitMailbox()).contains(new RateLimit(5, Duration.ofHours(1)));
        assertThat(config.apiTrustedProxies()).isEmpty();
    }

    @Test
    void rateLimitsTakeCountSlashDurationOrOffAndProxiesTakeAddressesAndRanges() {
        EngineConfig config = loader(Map.of("INTEGRITY_API_RATE_LIMIT_IP", "100 / 30s", "INTEGRITY_API_RATE_LIMIT_MAILBOX", "OFF",
                "INTEGRITY_API_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5,fd00::/8"))
                .load(Optional.empty(), Map.of());
        EngineConfig flags = loader(Map.of()).load(Optional.empty(), Map.of(ConfigKey.API_RATE_LIMIT_IP, "off",
                ConfigKey.API_RATE_LIMIT_MAILBOX, "3/h"));

        assertThat(config.apiRateLimitIp()).contains(new RateLimit(100, Duration.ofSeconds(30)));
        assertThat(config.apiRateLimitMailbox()).isEmpty();
        assertThat(config.apiTrustedProxies()).extracting(IpRange::toString).containsExactly("10.0.0.0/8", "192.168.1.5", "fd00::/8");
        assertThat(config.apiTrustedProxies().get(0).contains(IpRange.literal("10.200.3.4").orElseThrow())).isTrue();
        assertThat(config.apiTrustedProxies().get(0).contains(IpRange.literal("11.0.0.1").orElseThrow())).isFalse();
        assertThat(config.apiTrustedProxies().get(2).contains(IpRange.literal("fd12::1").orElseThrow())).isTrue();
        assertThat(flags.apiRateLimitIp()).isEmpty();
        assertThat(flags.apiRateLimitMailbox()).contains(new RateLimit(3, Duration.ofHours(1)));
        assertThat(ConfigKey.API_RATE_LIMIT_MAILBOX.flag()).isEqualTo("--api-rate-limit-mailbox");
    }

    @Test
    void fileEnvironmentAndFlagsSetThemLikeEveryKey() throws IOException {
        Path file = home.resolve(".config/integrity-console/config.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "api.port = 9000\napi.bind = 0.0.0.0\n");

        EngineConfig fromFile = loader(Map.of()).load(Optional.empty(), Map.of());
        EngineConfig fromEnv = loader(Map.of("INTEGRITY_API_PORT", "9001", "INTEGRITY_API_BIND", "::1")).load(Optional.empty(), Map.of());
        EngineConfig fromFlags = loader(Map.of("INTEGRITY_API_PORT", "9001"))
                .load(Optional.empty(), Map.of(ConfigKey.API_PORT, "0", ConfigKey.API_BIND, "localhost"));

        assertThat(fromFile.apiPort()).isEqualTo(9000);
        assertThat(fromFile.apiBind()).isEqualTo("0.0.0.0");
        assertThat(fromEnv.apiPort()).isEqualTo(9001);
        assertThat(fromEnv.apiBind()).isEqualTo("::1");
        assertThat(fromFlags.apiPort()).isZero();
        assertThat(fromFlags.apiBind()).isEqualTo("localhost");
        assertThat(ConfigKey.API_PORT.flag()).isEqualTo("--api-port");
        assertThat(ConfigKey.API_BIND.environmentVariable()).isEqualTo("INTEGRITY_API_BIND");
    }

    @ParameterizedTest(name = "api.bind = {0} is accepted")
    @ValueSource(strings = {"10.1.2.3", "[::]", "fe80::1", "api.example.org"})
    void bindAcceptsAddressesAndHostNames(String bind) {
        EngineConfig config = loader(Map.of("INTEGRITY_API_BIND", bind)).load(Optional.empty(), Map.of());

        assertThat(config.apiBind()).isEqualTo(bind.replace("[", "").replace("]", ""));
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is refused")
    @CsvSource(delimiter = '|', value = {
            "api.port|http|whole number from 0 to 65535",
            "api.port|65536|whole number from 0 to 65535",
            "api.port|-1|whole number from 0 to 65535",
            "api.bind|256.1.1.1|an IP address such as 127.0.0.1",
            "api.bind|host name|an IP address such as 127.0.0.1",
            "api.bind|:::1::|an IP address such as 127.0.0.1",
            "api.bind|http://127.0.0.1|an IP address such as 127.0.0.1",
            "api.rate-limit-ip|30|<requests>/<duration> such as 30/1m",
            "api.rate-limit-ip|0/1m|<requests>/<duration> such as 30/1m",
            "api.rate-limit-ip|30/1d|<requests>/<duration> such as 30/1m",
            "api.rate-limit-mailbox|5/100ms|<requests>/<duration> such as 30/1m",
            "api.rate-limit-mailbox|none|<requests>/<duration> such as 30/1m",
            "api.trusted-proxies|proxy.example.org|comma-separated IP addresses or CIDR ranges",
            "api.trusted-proxies|10.0.0.0/33|comma-separated IP addresses or CIDR ranges",
            "api.trusted-proxies|10.0.0.1/8/8|comma-separated IP addresses or CIDR ranges"})
    void malformedValuesNameTheirKeyAndVariable(String key, String value, String expected) {
        String variable = ConfigKey.byKey(key).orElseThrow().environmentVariable();

        assertThatThrownBy(() -> loader(Map.of(variable, value)).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("The setting " + key + " = '" + value + "'")
                .hasMessageContaining(variable)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
