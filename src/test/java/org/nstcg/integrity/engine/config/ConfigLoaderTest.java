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

/** Layering (defaults &lt; file &lt; environment &lt; flags), eager validation and messages that name the key. */
class ConfigLoaderTest {

    @TempDir
    Path home;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, home);
    }

    private Path writeDefaultFile(String content) throws IOException {
        Path file = home.resolve(".config/integrity-console/config.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void nothingConfiguredMeansEmbeddedServersInTheUsersDataDirectory() {
        EngineConfig c = loader(Map.of()).load(Optional.empty(), Map.of());

        assertThat(c.databaseMode()).isEqualTo(EngineConfig.ServerMode.EMBEDDED);
        assertThat(c.redisMode()).isEqualTo(EngineConfig.ServerMode.EMBEDDED);
        assertThat(c.dataDir()).isEqualTo(home.resolve(".local/share/integrity-console"));
        assertThat(c.dbSchema()).isEqualTo("public");
        assertThat(c.consoleRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.value(ConfigKey.DB_URL).source()).isEqualTo(ConfigSource.DEFAULT);
    }

    @Test
    void xdgDirectoriesAreRespected() throws IOException {
        Path xdgConfig = home.resolve("xdg-config");
        Files.createDirectories(xdgConfig.resolve("integrity-console"));
        Files.writeString(xdgConfig.resolve("integrity-console/config.properties"), "db.schema = from_xdg\n");

        EngineConfig c = loader(Map.of("XDG_CONFIG_HOME", xdgConfig.toString(), "XDG_DATA_HOME", home.resolve("xdg-data").toString()))
                .load(Optional.empty(), Map.of());

        assertThat(c.dbSchema()).isEqualTo("from_xdg");
        assertThat(c.dataDir()).isEqualTo(home.resolve("xdg-data/integrity-console"));
    }

    @Test
    void fileOverridesDefaultsEnvironmentOverridesFileFlagsOverrideEnvironment() throws IOException {
        Path file = writeDefaultFile("""
                db.url = jdbc:postgresql://file-host:5432/app
                db.user = file_user
                db.schema = file_schema
                redis.url = redis://file-host:6379
                """);
        Map<String, String> env = Map.of("INTEGRITY_DB_URL", "jdbc:postgresql://env-host:5433/app", "INTEGRITY_DB_USER", "env_user");
        Map<ConfigKey, String> flags = Map.of(ConfigKey.DB_URL, "jdbc:postgresql://flag-host:5434/app");

        EngineConfig c = loader(env).load(Optional.empty(), flags);

        assertThat(c.dbUrl()).contains("jdbc:postgresql://flag-host:5434/app");
        assertThat(c.dbEndpoint()).contains(new EngineConfig.Endpoint("flag-host", 5434));
        assertThat(c.value(ConfigKey.DB_URL).source().kind()).isEqualTo(ConfigSource.Kind.FLAG);
        assertThat(c.dbUser()).isEqualTo("env_user");
        assertThat(c.value(ConfigKey.DB_USER).source()).isEqualTo(new ConfigSource(ConfigSource.Kind.ENVIRONMENT, "INTEGRITY_DB_USER"));
        assertThat(c.dbSchema()).isEqualTo("file_schema");
        assertThat(c.value(ConfigKey.DB_SCHEMA).source()).isEqualTo(new ConfigSource(ConfigSource.Kind.FILE, file.toString()));
        assertThat(c.redisUrl()).hasValueSatisfying(u -> assertThat(u.getHost()).isEqualTo("file-host"));
        assertThat(c.describe(ConfigKey.DB_URL)).isEqualTo("db.url (set by the command-line flag --db-url)");
    }

    @Test
    void explicitConfigFileReplacesTheDefaultFileAndMustExist() throws IOException {
        writeDefaultFile("db.schema = default_file\n");
        Path other = home.resolve("other.properties");
        Files.writeString(other, "db.schema = other_file\n");

        assertThat(loader(Map.of()).load(Optional.of(other), Map.of()).dbSchema()).isEqualTo("other_file");
        assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(home.resolve("missing.properties")), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.properties")
                .hasMessageContaining("--config");
    }

    @Test
    void anUnknownKeyInTheFileIsRefusedByName() throws IOException {
        writeDefaultFile("db.ulr = jdbc:postgresql://x/y\n");

        assertThatThrownBy(() -> loader(Map.of()).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'db.ulr'")
                .hasMessageContaining("db.url")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("db.ulr"));
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is refused")
    @CsvSource(delimiter = '|', value = {
            "db.url|postgres://host/db|jdbc:postgresql://HOST[:PORT]/DATABASE",
            "db.url|jdbc:postgresql://host:99999/db|port from 1 to 65535",
            "db.pool.size|abc|whole number from 1 to 200",
            "db.pool.size|500|whole number from 1 to 200",
            "db.connect-timeout|soon|duration",
            "db.connect-timeout|0s|duration",
            "db.schema|Bad-Schema|SQL identifier",
            "redis.url|http://host:6379|redis://",
            "redis.url|redis://host:6379/abc|database number",
            "redis.key-prefix|a*b|without * or ?",
            "console.refresh|2h|duration"})
    void malformedValuesNameTheirKeySourceAndExpectedForm(String key, String value, String expected) throws IOException {
        Path file = writeDefaultFile(key + " = " + value + "\n");

        assertThatThrownBy(() -> loader(Map.of()).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("The setting " + key + " = '" + value + "'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void anEnvironmentValueThatIsMalformedNamesTheVariable() {
        assertThatThrownBy(() -> loader(Map.of("INTEGRITY_DB_POOL_SIZE", "lots")).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.pool.size")
                .hasMessageContaining("the environment variable INTEGRITY_DB_POOL_SIZE");
    }

    @Test
    void durationsAcceptUnitsAndIsoForm() {
        Map<ConfigKey, String> flags = Map.of(ConfigKey.DB_CONNECT_TIMEOUT, "1500ms", ConfigKey.CONSOLE_REFRESH, "PT2M",
                ConfigKey.REDIS_TIMEOUT, "3s");
        EngineConfig c = loader(Map.of()).load(Optional.empty(), flags);

        assertThat(c.dbConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.consoleRefresh()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.redisTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void passwordsNeverAppearInTextOrMessages() {
        EngineConfig c = loader(Map.of("INTEGRITY_DB_PASSWORD", "s3cret-value")).load(Optional.empty(), Map.of());

        assertThat(c.dbPassword()).isEqualTo("s3cret-value");
        assertThat(c.toString()).doesNotContain("s3cret-value");
    }

    @Test
    void withReturnsAValidatedCopyAndLeavesTheOriginalUnchanged() {
        EngineConfig c = loader(Map.of()).load(Optional.empty(), Map.of());
        ConfigSource console = new ConfigSource(ConfigSource.Kind.CONSOLE, "");

        EngineConfig changed = c.with(ConfigKey.DB_URL, "jdbc:postgresql://h:1/d", console);

        assertThat(changed.databaseMode()).isEqualTo(EngineConfig.ServerMode.EXTERNAL);
        assertThat(c.databaseMode()).isEqualTo(EngineConfig.ServerMode.EMBEDDED);
        assertThatThrownBy(() -> c.with(ConfigKey.DB_URL, "nonsense", console))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the connection screen");
    }

    @Test
    void theMigrationLoginIsNamedApartAgainstAnExternalDatabaseOnly() {
        Map<String, String> env = Map.of("INTEGRITY_DB_URL", "jdbc:postgresql://h:5432/d", "INTEGRITY_DB_USER", "integrity_runtime",
                "INTEGRITY_DB_MIGRATION_USER", "integrity_owner", "INTEGRITY_DB_MIGRATION_PASSWORD", "owner-s3cret");

        EngineConfig c = loader(env).load(Optional.empty(), Map.of());

        assertThat(c.dbMigrationUser()).contains("integrity_owner");
        assertThat(c.dbMigrationPassword()).isEqualTo("owner-s3cret");
        assertThat(c.toString()).doesNotContain("owner-s3cret");
        assertThat(ConfigKey.DB_MIGRATION_USER.flag()).isEqualTo("--db-migration-user");
        assertThat(ConfigKey.DB_MIGRATION_PASSWORD.environmentVariable()).isEqualTo("INTEGRITY_DB_MIGRATION_PASSWORD");
        assertThat(ConfigKey.DB_MIGRATION_PASSWORD.secret()).isTrue();
        assertThat(loader(Map.of("INTEGRITY_DB_URL", "jdbc:postgresql://h:5432/d")).load(Optional.empty(), Map.of()).dbMigrationUser())
                .as("empty: db.user migrates too").isEmpty();
        assertThat(loader(Map.of("INTEGRITY_DB_URL", "jdbc:postgresql://h:5432/d", "INTEGRITY_DB_USER", "same",
                "INTEGRITY_DB_MIGRATION_USER", "same")).load(Optional.empty(), Map.of()).dbMigrationUser()).as("the same login").isEmpty();
        assertThat(loader(Map.of("INTEGRITY_DB_MIGRATION_USER", "integrity_owner")).load(Optional.empty(), Map.of()).dbMigrationUser())
                .as("embedded: the embedded superuser does both").isEmpty();
    }

    @Test
    void aMigrationPasswordWithoutItsUserIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> loader(Map.of("INTEGRITY_DB_MIGRATION_PASSWORD", "owner-s3cret")).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.migration-password")
                .hasMessageContaining("db.migration-user")
                .hasMessageNotContaining("owner-s3cret");
        assertThatThrownBy(() -> loader(Map.of("INTEGRITY_DB_MIGRATION_USER", "bad\nname")).load(Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.migration-user");
    }

    @Test
    void keysDeriveTheirEnvironmentVariableAndFlag() {
        assertThat(ConfigKey.DB_URL.environmentVariable()).isEqualTo("INTEGRITY_DB_URL");
        assertThat(ConfigKey.DB_CONNECT_TIMEOUT.environmentVariable()).isEqualTo("INTEGRITY_DB_CONNECT_TIMEOUT");
        assertThat(ConfigKey.REDIS_URL.environmentVariable()).isEqualTo("INTEGRITY_REDIS_URL");
        assertThat(ConfigKey.DB_POOL_SIZE.flag()).isEqualTo("--db-pool-size");
    }
}
