package org.nstcg.integrity.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Layers the configuration: built-in defaults &lt; config file &lt; environment &lt; flags.
 *
 * <p>The config file is {@code --config FILE} when given (then it must exist), otherwise
 * {@code $XDG_CONFIG_HOME/integrity-console/config.properties} (default {@code ~/.config/…}) if it exists.
 * Unknown keys in the file are refused, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    private final Map<String, String> environment;
    private final Path home;

    public ConfigLoader(Map<String, String> environment, Path home) {
        this.environment = Map.copyOf(environment);
        this.home = home;
    }

    /** A loader over this process's environment and home directory. */
    public static ConfigLoader forThisProcess() {
        return new ConfigLoader(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public Path defaultConfigFile() {
        String xdg = environment.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("integrity-console").resolve("config.properties");
    }

    public Path defaultDataDir() {
        String xdg = environment.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share");
        return base.resolve("integrity-console");
    }

    /**
     * @param explicitFile the {@code --config} file, if given
     * @param flags        values given as command-line flags (highest precedence)
     */
    public EngineConfig load(Optional<Path> explicitFile, Map<ConfigKey, String> flags) {
        return load(explicitFile, flags, Map.of());
    }

    /**
     * As {@link #load(Optional, Map)}, with values typed into the console's connection form on top of the flags:
     * they are validated as coming from there ({@link ConfigSource#CONNECTION_FORM}), so a message about one names
     * the form, not a flag nobody typed.
     */
    public EngineConfig load(Optional<Path> explicitFile, Map<ConfigKey, String> flags, Map<ConfigKey, String> typed) {
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        Path file = explicitFile.orElse(defaultConfigFile());
        if (explicitFile.isPresent() && !Files.isRegularFile(file)) {
            throw new ConfigException("--config", "The config file " + file + " given with --config does not exist or is not a file.");
        }
        if (Files.isRegularFile(file)) {
            readFile(file).forEach((k, v) -> values.put(k, new EngineConfig.Value(v, new ConfigSource(ConfigSource.Kind.FILE, file.toString()))));
        }
        for (ConfigKey key : ConfigKey.values()) {
            String env = environment.get(key.environmentVariable());
            if (env != null) {
                values.put(key, new EngineConfig.Value(env, new ConfigSource(ConfigSource.Kind.ENVIRONMENT, key.environmentVariable())));
            }
        }
        flags.forEach((key, v) -> values.put(key, new EngineConfig.Value(v, new ConfigSource(ConfigSource.Kind.FLAG, key.flag()))));
        typed.forEach((key, v) -> values.put(key, new EngineConfig.Value(v, ConfigSource.CONNECTION_FORM)));
        return EngineConfig.of(values, defaultDataDir());
    }

    private static Map<ConfigKey, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("--config", "The config file " + file + " cannot be read: " + e.getMessage()
                    + ". It must be a UTF-8 properties file of key = value lines.");
        }
        Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
        for (String name : props.stringPropertyNames()) {
            ConfigKey key = ConfigKey.byKey(name).orElseThrow(() -> new ConfigException(name,
                    "The config file " + file + " has an unknown key '" + name + "'. Known keys: "
                            + Stream.of(ConfigKey.values()).map(ConfigKey::key).collect(Collectors.joining(", ")) + "."));
            out.put(key, props.getProperty(name));
        }
        return out;
    }
}
