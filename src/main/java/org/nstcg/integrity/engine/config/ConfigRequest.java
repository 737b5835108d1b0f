package org.nstcg.integrity.engine.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a face was asked on its command line: an optional {@code --config} file and flag values. Loading it
 * (which may fail with a {@link ConfigException}) is left to the face, so the console can show the error on its
 * connection screen and the CLI on stderr.
 */
public record ConfigRequest(Optional<Path> configFile, Map<ConfigKey, String> flags) {

    public ConfigRequest {
        flags = flags.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(flags));
    }

    public EngineConfig load(ConfigLoader loader) {
        return loader.load(configFile, flags);
    }

    /** Loads it with the values typed into the console's connection form on top (see {@link ConfigLoader#load(Optional, Map, Map)}). */
    public EngineConfig load(ConfigLoader loader, Map<ConfigKey, String> typed) {
        return loader.load(configFile, flags, typed);
    }
}
