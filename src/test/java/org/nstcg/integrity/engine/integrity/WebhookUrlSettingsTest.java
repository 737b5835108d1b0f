package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nstcg.integrity.engine.config.ConfigException;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;

/** {@code alerts.webhook-url} refuses plain http:// to another host and link-local/metadata addresses unless allowed. */
class WebhookUrlSettingsTest {

    private static CheckSettings settings(String url, String allowInsecure) {
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.ALERTS_WEBHOOK_URL, new EngineConfig.Value(url, ConfigSource.DEFAULT));
        if (allowInsecure != null) {
            values.put(ConfigKey.ALERTS_WEBHOOK_ALLOW_INSECURE, new EngineConfig.Value(allowInsecure, ConfigSource.DEFAULT));
        }
        return CheckSettings.from(EngineConfig.of(values, Path.of("/tmp/data")));
    }

    @Test
    void plainHttpToAnotherHostIsRefusedWithASentence() {
        assertThatThrownBy(() -> settings("http://hooks.example.org/integrity?token=s3cret", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.webhook-url = 'http://hooks.example.org/****'")
                .hasMessageContaining("plain http:// is allowed only to this machine")
                .hasMessageContaining("set alerts.webhook-allow-insecure = true")
                .hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
            "https://169.254.10.20/hook", "https://[fe80::1]/hook", "https://[fd00:ec2::254]/hook"})
    void linkLocalAndMetadataAddressesAreRefused(String url) {
        assertThatThrownBy(() -> settings(url, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is a link-local or cloud metadata address");
        assertThat(settings(url, "true").webhook()).isPresent();
    }

    @Test
    void httpsAnywhereAndHttpToThisMachineAreAccepted() {
        assertThat(settings("https://hooks.example.org/integrity", null).webhook()).isPresent();
        assertThat(settings("http://127.0.0.1:8080/hook", null).webhook()).isPresent();
        assertThat(settings("http://localhost:8080/hook", null).webhook()).isPresent();
        assertThat(settings("http://[::1]:8080/hook", null).webhook()).isPresent();
        assertThat(settings("http://hooks.example.org/integrity", "true").webhook()).isPresent();
        assertThatThrownBy(() -> settings("https://hooks.example.org/integrity", "maybe"))
                .hasMessageContaining("alerts.webhook-allow-insecure");
    }
}
