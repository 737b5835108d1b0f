package org.nstcg.integrity.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one redaction of secrets: URLs' passwords, credential query parameters, secret flags and keys. */
class RedactionTest {

    private static final String S = "Sntnl7q2x";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            redis://u:Sntnl7q2x@host:6379/0                       | redis://u:****@host:6379/0
            redis://:Sntnl7q2x@host                               | redis://:****@host
            redis://Sntnl7q2x@host                                | redis://****@host
            'redis://u:Sntnl7q2x@[bad'                            | 'redis://u:****@[bad'
            redis://u:pa/Sntnl7q2x@host                           | redis://u:****@host
            redis://u:pa?Sntnl7q2x@host                           | redis://u:****@host
            rediss://u:p@Sntnl7q2x@host                           | rediss://u:****@host
            jdbc:postgresql://h:5432/db?password=Sntnl7q2x        | jdbc:postgresql://h:5432/db?password=****
            jdbc:postgresql://h/db?user=a&password=Sntnl7q2x&ssl=1| jdbc:postgresql://h/db?user=a&password=****&ssl=1
            jdbc:postgresql://h/db?sslpassword=Sntnl7q2x          | jdbc:postgresql://h/db?sslpassword=****
            https://hooks.example/x?token=Sntnl7q2x               | https://hooks.example/x?token=****
            https://hooks.example/x?a=1&api_key=Sntnl7q2x#f       | https://hooks.example/x?a=1&api_key=****#f
            https://hooks.example/x?Secret=Sntnl7q2x              | https://hooks.example/x?Secret=****
            https://h/x?email=a@b.org&token=Sntnl7q2x             | https://h/x?email=a@b.org&token=****
            status --db-password Sntnl7q2x --json                 | status --db-password **** --json
            status --db-password=Sntnl7q2x                        | status --db-password=****
            x --alerts-webhook-url https://h/Sntnl7q2x y          | x --alerts-webhook-url **** y
            x --kafka-sasl-password Sntnl7q2x                     | x --kafka-sasl-password ****
            db.password=Sntnl7q2x                                 | db.password=****
            INTEGRITY_DB_PASSWORD = Sntnl7q2x                     | INTEGRITY_DB_PASSWORD = ****
            alerts.webhook-url: https://h/Sntnl7q2x               | alerts.webhook-url: ****
            {"password":"Sntnl7q2x"}                              | {"password":"****"}
            kafka.sasl.password = 'Sntnl7q2x', next               | kafka.sasl.password = '****', next
            """)
    void masksSecrets(String text, String expected) {
        assertThat(Redaction.text(text)).isEqualTo(expected).doesNotContain(S);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            PostgreSQL at 127.0.0.1:5432 refused the password for user 'app'. Check db.user and db.password.
            expected redis://[USER:PASSWORD@]HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379/0.
            jdbc:postgresql://127.0.0.1:5432/integrity?sslmode=verify-full&currentSchema=app
            https://h/users/a@b.org/profile
            from the command-line flag --alerts-webhook-url is not valid
            The setting db.password = (hidden) from the command-line flag --db-password is not valid
            Missing required parameter for option '--db-password' (SECRET)
            cache key user:1 and key=user:2 diverged
            2026-12-04 01:07:34,599 INFO  [main] o.n.i.engine.config.EmbeddedServers - Embedded servers started
            """)
    void leavesOrdinaryTextAlone(String text) {
        assertThat(Redaction.text(text)).isEqualTo(text);
    }

    @Test
    void commandLinesMaskSecretFlagsValuesWhateverTheyLookLike() {
        List<String> args = List.of("status", "--db-password", S, "--db-url", "jdbc:postgresql://h/d?password=" + S,
                "--alerts-webhook-url=https://hooks.example/T0K3N" + S, "--redis-url", "redis://u:" + S + "@h", "--json");

        String shown = Redaction.commandLine(args);

        assertThat(shown).isEqualTo("status --db-password **** --db-url jdbc:postgresql://h/d?password=**** "
                + "--alerts-webhook-url=**** --redis-url redis://u:****@h --json");
    }

    @Test
    void secretValuesAreThoseOfSecretFlagsSoMessagesQuotingThemCanBeMasked() {
        List<String> args = List.of("status", "--db-password", "hunter2", "--db-passwd=" + S, "--db-user", "app");

        assertThat(Redaction.secretValues(args)).containsExactly("hunter2", S);
        assertThat(Redaction.text("Unknown options: '--db-passwd=" + S + "', 'hunter2' (user app)", Redaction.secretValues(args)))
                .isEqualTo("Unknown options: '--db-passwd=****', '****' (user app)");
        assertThat(Redaction.text("a bapp app", List.of("app"))).as("whole words only").isEqualTo("a bapp ****");
    }

    @Test
    void aSecretUrlIsShownAsItsSchemeAndHostOnly() {
        assertThat(Redaction.value(ConfigKey.ALERTS_WEBHOOK_URL, "https://u:" + S + "@hooks.example:8443/T0K3N?token=" + S))
                .isEqualTo("https://hooks.example:8443/****");
        assertThat(Redaction.value(ConfigKey.ALERTS_WEBHOOK_URL, "https://hooks.example")).isEqualTo("https://hooks.example");
        assertThat(Redaction.value(ConfigKey.ALERTS_WEBHOOK_URL, "hooks.example/" + S)).isEqualTo("****");
        assertThat(Redaction.value(ConfigKey.DB_PASSWORD, S)).isEqualTo("****");
        assertThat(Redaction.value(ConfigKey.DB_URL, "jdbc:postgresql://h/d?password=" + S)).isEqualTo("jdbc:postgresql://h/d?password=****");
        assertThat(Redaction.quotedValue(ConfigKey.DB_PASSWORD, S)).isEqualTo("(hidden)");
    }

    @Test
    void everyKeyNamedLikeACredentialIsMarkedSecret() {
        assertThat(Stream.of(ConfigKey.values()).filter(k -> k.key().toLowerCase(Locale.ROOT).matches(".*(password|secret|token|webhook-url).*")))
                .allMatch(ConfigKey::secret);
        assertThat(ConfigKey.DB_PASSWORD.secret()).isTrue();
        assertThat(ConfigKey.ALERTS_WEBHOOK_URL.secret()).isTrue();
        assertThat(ConfigKey.DB_URL.secret()).isFalse();
    }

    /** Regression: a malformed db.url or redis.url with a password in it was echoed whole in the error. */
    @Test
    void configErrorsNameTheKeyWithoutThePassword() {
        for (var bad : Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:1?password=" + S,
                ConfigKey.REDIS_URL, "redis://u:" + S + "@[bad").entrySet()) {
            Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
            values.put(bad.getKey(), new EngineConfig.Value(bad.getValue(), new ConfigSource(ConfigSource.Kind.FLAG, bad.getKey().flag())));

            assertThatThrownBy(() -> EngineConfig.of(values, Path.of("/tmp")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("The setting " + bad.getKey().key() + " = '")
                    .hasMessageContaining("****")
                    .hasMessageNotContaining(S);
        }
    }

    @Test
    void toStringOfAConfigHidesSecrets() {
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.DB_PASSWORD, new EngineConfig.Value(S, ConfigSource.DEFAULT));
        values.put(ConfigKey.REDIS_URL, new EngineConfig.Value("redis://u:" + S + "@h:6379", ConfigSource.DEFAULT));
        values.put(ConfigKey.ALERTS_WEBHOOK_URL, new EngineConfig.Value("https://hooks.example/" + S, ConfigSource.DEFAULT));

        assertThat(EngineConfig.of(values, Path.of("/tmp")).toString()).doesNotContain(S).contains("redis://u:****@h:6379");
    }
}
