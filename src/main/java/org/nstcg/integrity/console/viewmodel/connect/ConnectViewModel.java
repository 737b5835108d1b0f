package org.nstcg.integrity.console.viewmodel.connect;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigException;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start screen: loads the configuration and starts the engine in the background, showing its progress. When
 * that fails it offers the connection settings (prefilled from the configuration that failed) and a retry.
 *
 * <p>Design notes: a retry loads the configuration exactly as the first attempt did (file, environment, the
 * original flags) with the form's four values on top, so every other setting (schema, key prefix, timeouts, data
 * directory) is kept. The form's values are layered as coming from {@link ConfigSource#CONNECTION_FORM}, not as flags,
 * so an error message about one (at load or later) points at this form rather than at a flag the user never typed.
 */
public final class ConnectViewModel {

    private static final Logger log = LoggerFactory.getLogger(ConnectViewModel.class);

    /** What the screen shows. */
    public enum Phase { STARTING, FAILED }

    private final ConfigRequest request;
    private final ConfigLoader loader;
    private final EngineStarter starter;
    private final FxTaskRunner runner;
    private final Consumer<IntegrityEngine> onStarted;

    private final ObjectProperty<Phase> phase = new SimpleObjectProperty<>(Phase.STARTING);
    private final StringProperty progress = new SimpleStringProperty("");
    private final StringProperty errorTitle = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty dbUrl = new SimpleStringProperty("");
    private final StringProperty dbUser = new SimpleStringProperty("");
    private final StringProperty dbPassword = new SimpleStringProperty("");
    private final StringProperty redisUrl = new SimpleStringProperty("");
    private Map<ConfigKey, String> formValues = Map.of();
    private boolean formFilled;
    private boolean starting;

    /**
     * @param request   what the command line asked for
     * @param loader    layers file, environment and flags into a configuration
     * @param starter   starts the engine
     * @param runner    runs the start off the FX thread
     * @param onStarted receives the started engine, on the FX thread
     */
    public ConnectViewModel(ConfigRequest request, ConfigLoader loader, EngineStarter starter, FxTaskRunner runner,
                            Consumer<IntegrityEngine> onStarted) {
        this.request = request;
        this.loader = loader;
        this.starter = starter;
        this.runner = runner;
        this.onStarted = onStarted;
    }

    /** Loads the configuration and starts the engine; on failure shows the connection form. */
    public void start() {
        if (starting) {
            return;
        }
        starting = true;
        phase.set(Phase.STARTING);
        progress.set("Reading the configuration…");
        AtomicReference<EngineConfig> attempted = new AtomicReference<>();
        Map<ConfigKey, String> overrides = formValues;
        runner.run(listener -> {
                    EngineConfig config = loadConfig(overrides);
                    attempted.set(config);
                    return starter.start(config, listener);
                },
                progress::set,
                engine -> {
                    starting = false;
                    progress.set("");
                    onStarted.accept(engine);
                },
                failure -> showFailure(failure, attempted.get()));
    }

    /** Tries again with the form's settings. */
    public void retry() {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.DB_URL, dbUrl.get().trim());
        values.put(ConfigKey.DB_USER, dbUser.get().trim());
        values.put(ConfigKey.DB_PASSWORD, dbPassword.get());
        values.put(ConfigKey.REDIS_URL, redisUrl.get().trim());
        formValues = values;
        start();
    }

    /** Clears both server URLs, so the engine starts its own PostgreSQL and Redis, and tries again. */
    public void useEmbeddedServers() {
        dbUrl.set("");
        redisUrl.set("");
        retry();
    }

    private EngineConfig loadConfig(Map<ConfigKey, String> overrides) {
        return overrides.isEmpty() ? request.load(loader) : request.load(loader, overrides);
    }

    private void showFailure(Throwable failure, EngineConfig attempted) {
        starting = false;
        progress.set("");
        errorTitle.set(failure instanceof ConfigException ? "The configuration cannot be used"
                : failure instanceof ServerUnavailableException ? "Cannot connect"
                : "The engine could not start");
        error.set(UserMessages.describe(failure, "starting the engine", log));
        if (attempted != null) {
            fillForm(key -> attempted.raw(key));
        } else if (!formFilled) {
            fillForm(key -> request.flags().getOrDefault(key, key.defaultValue()));
        }
        phase.set(Phase.FAILED);
    }

    private void fillForm(Function<ConfigKey, String> value) {
        dbUrl.set(value.apply(ConfigKey.DB_URL));
        dbUser.set(value.apply(ConfigKey.DB_USER));
        dbPassword.set(value.apply(ConfigKey.DB_PASSWORD));
        redisUrl.set(value.apply(ConfigKey.REDIS_URL));
        formFilled = true;
    }

    public ReadOnlyObjectProperty<Phase> phaseProperty() {
        return phase;
    }

    /** "Starting the embedded PostgreSQL…" while starting. */
    public ReadOnlyStringProperty progressProperty() {
        return progress;
    }

    /** "Cannot connect", "The configuration cannot be used"… */
    public ReadOnlyStringProperty errorTitleProperty() {
        return errorTitle;
    }

    /** The sentence that says what failed and what to change. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** db.url; empty means the embedded PostgreSQL. */
    public StringProperty dbUrlProperty() {
        return dbUrl;
    }

    public StringProperty dbUserProperty() {
        return dbUser;
    }

    public StringProperty dbPasswordProperty() {
        return dbPassword;
    }

    /** redis.url; empty means the embedded Redis. */
    public StringProperty redisUrlProperty() {
        return redisUrl;
    }
}
