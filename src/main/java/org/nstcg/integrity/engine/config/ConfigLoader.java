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

    /** A loader over this process's environment and home directory ({@link #homeDirectory}). */
    public static ConfigLoader forThisProcess() {
        return new ConfigLoader(System.getenv(), homeDirectory(System.getenv(), System.getProperty("user.home")));
    }

    /**
     * The user's home directory: {@code $HOME} when it is set to an absolute path, else {@code userHome} (Java's
     * {@code user.home}, which on Linux is the passwd entry's and ignores {@code HOME=/tmp/x}).
     */
    public static Path homeDirectory(Map<String, String> environment, String userHome) {
        String home = environment.get("HOME");
        if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
            return Path.of(home);
        }
        return Path.of(userHome);
    }

    /**
     * Where logs go by default: {@code $XDG_STATE_HOME/integrity-console/logs}, else
     * {@code ~/.local/state/integrity-console/logs} under {@link #homeDirectory}.
     */
    public static Path defaultLogDir(Map<String, String> environment, String userHome) {
        return xdgBase(environment, "XDG_STATE_HOME", homeDirectory(environment, userHome).resolve(".local").resolve("state"))
                .resolve("integrity-console").resolve("logs");
    }

    /** {@code $variable} when it is an absolute path (the XDG rule: a relative one is ignored), else {@code fallback}. */
    private static Path xdgBase(Map<String, String> environment, String variable, Path fallback) {
        String xdg = environment.get(variable);
        return xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : fallback;
    }

    /** {@code $XDG_CONFIG_HOME/integrity-console/config.properties}, else under {@code ~/.config}. */
    public Path defaultConfigFile() {
        return xdgBase(environment, "XDG_CONFIG_HOME", home.resolve(".config")).resolve("integrity-console").resolve("config.properties");
    }

    /** {@code $XDG_DATA_HOME/integrity-console}, else {@code ~/.local/share/integrity-console}. */
    public Path defaultDataDir() {
        return xdgBase(environment, "XDG_DATA_HOME", home.resolve(".local").resolve("share")).resolve("integrity-console");
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
