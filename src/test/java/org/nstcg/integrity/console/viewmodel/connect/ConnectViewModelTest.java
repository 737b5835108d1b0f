package org.nstcg.integrity.console.viewmodel.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.connect.ConnectViewModel.Phase;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ServerUnavailableException;

class ConnectViewModelTest {

    private static final String UNREACHABLE = "Cannot reach PostgreSQL at 127.0.0.1:5999 (Connection refused). "
            + "Start the server, or correct db.url (set by the command-line flag --db-url).";

    @TempDir
    Path home;

    private final List<EngineConfig> attempts = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();
    private final List<IntegrityEngine> started = new ArrayList<>();

    private ConnectViewModel connect(Map<ConfigKey, String> flags, RuntimeException failure) {
        EngineStarter starter = (config, listener) -> {
            attempts.add(config);
            listener.step("Connecting to PostgreSQL at 127.0.0.1:5999…");
            throw failure;
        };
        ConnectViewModel vm = new ConnectViewModel(new ConfigRequest(Optional.empty(), flags),
                new ConfigLoader(Map.of(), home), starter, new SynchronousTaskRunner(), started::add);
        vm.progressProperty().addListener((obs, old, message) -> progress.add(message));
        return vm;
    }

    @Test
    void anUnreachableServerShowsItsSentenceAndTheFormPrefilledFromTheFailedConfig() {
        ConnectViewModel vm = connect(Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:5999/x", ConfigKey.DB_USER, "ops",
                ConfigKey.REDIS_URL, "redis://127.0.0.1:6379/0"), unreachable());

        vm.start();

        assertThat(progress).contains("Reading the configuration…", "Connecting to PostgreSQL at 127.0.0.1:5999…");
        assertThat(vm.phaseProperty().get()).isEqualTo(Phase.FAILED);
        assertThat(vm.errorTitleProperty().get()).isEqualTo("Cannot connect");
        assertThat(vm.errorProperty().get()).isEqualTo(UNREACHABLE);
        assertThat(vm.dbUrlProperty().get()).isEqualTo("jdbc:postgresql://127.0.0.1:5999/x");
        assertThat(vm.dbUserProperty().get()).isEqualTo("ops");
        assertThat(vm.redisUrlProperty().get()).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(started).isEmpty();
    }

    @Test
    void retryUsesTheFormValuesFromTheScreenAndKeepsEveryOtherSetting() {
        ConnectViewModel vm = connect(Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:5999/x",
                ConfigKey.DB_SCHEMA, "tenant_a", ConfigKey.REDIS_KEY_PREFIX, "a:"), unreachable());
        vm.start();

        vm.dbUrlProperty().set("jdbc:postgresql://db.example.org:5432/integrity");
        vm.dbPasswordProperty().set("s3cret");
        vm.retry();

        EngineConfig retried = attempts.get(1);
        assertThat(retried.dbUrl()).contains("jdbc:postgresql://db.example.org:5432/integrity");
        assertThat(retried.dbPassword()).isEqualTo("s3cret");
        assertThat(retried.value(ConfigKey.DB_URL).source().kind()).isEqualTo(ConfigSource.Kind.CONSOLE);
        assertThat(retried.dbSchema()).isEqualTo("tenant_a");
        assertThat(retried.redisKeyPrefix()).isEqualTo("a:");
    }

    @Test
    void useEmbeddedServersClearsBothUrlsAndTriesAgain() {
        ConnectViewModel vm = connect(Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:5999/x",
                ConfigKey.REDIS_URL, "redis://127.0.0.1:6379/0"), unreachable());
        vm.start();

        vm.useEmbeddedServers();

        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1).databaseMode()).isEqualTo(EngineConfig.ServerMode.EMBEDDED);
        assertThat(attempts.get(1).redisMode()).isEqualTo(EngineConfig.ServerMode.EMBEDDED);
    }

    @Test
    void anInvalidSettingIsShownAndTheFormIsPrefilledFromTheFlags() {
        ConnectViewModel vm = connect(Map.of(ConfigKey.DB_URL, "postgres://nowhere"), unreachable());

        vm.start();

        assertThat(attempts).as("the engine is not started with an invalid config").isEmpty();
        assertThat(vm.errorTitleProperty().get()).isEqualTo("The configuration cannot be used");
        assertThat(vm.errorProperty().get()).startsWith("The setting db.url = 'postgres://nowhere' from the command-line flag --db-url is not valid");
        assertThat(vm.dbUrlProperty().get()).isEqualTo("postgres://nowhere");
        assertThat(vm.dbUserProperty().get()).isEqualTo("postgres");
    }

    @Test
    void anInvalidValueTypedIntoTheFormIsNamedAsTheFormsNotAsAFlags() {
        ConnectViewModel vm = connect(Map.of(ConfigKey.DB_URL, "jdbc:postgresql://127.0.0.1:5999/x"), unreachable());
        vm.start();

        vm.dbUrlProperty().set("postgres://typed-by-hand");
        vm.retry();

        assertThat(vm.errorTitleProperty().get()).isEqualTo("The configuration cannot be used");
        assertThat(vm.errorProperty().get())
                .startsWith("The setting db.url = 'postgres://typed-by-hand' from the connection screen's form is not valid")
                .doesNotContain("command-line flag");
        assertThat(vm.dbUrlProperty().get()).as("what was typed stays in the form").isEqualTo("postgres://typed-by-hand");
    }

    @Test
    void anUnexpectedFailureShowsAGenericSentence() {
        ConnectViewModel vm = connect(Map.of(), new IllegalStateException("boom in a library"));

        vm.start();

        assertThat(vm.phaseProperty().get()).isEqualTo(Phase.FAILED);
        assertThat(vm.errorProperty().get()).isEqualTo(UserMessages.UNEXPECTED);
    }

    private static ServerUnavailableException unreachable() {
        return new ServerUnavailableException("db.url", "127.0.0.1:5999", UNREACHABLE, null);
    }
}
