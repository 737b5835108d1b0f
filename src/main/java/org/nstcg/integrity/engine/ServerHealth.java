package org.nstcg.integrity.engine;

import java.util.Optional;
import org.nstcg.integrity.engine.config.EngineConfig.ServerMode;

/**
 * The state of one server as last seen.
 *
 * @param name     "PostgreSQL" or "Redis"
 * @param mode     embedded or external
 * @param endpoint host:port
 * @param up       whether it answered
 * @param version  its version when it answered
 * @param problem  what is wrong and what to do, when it did not
 */
public record ServerHealth(String name, ServerMode mode, String endpoint, boolean up, Optional<String> version, Optional<String> problem) {

    public static ServerHealth up(String name, ServerMode mode, String endpoint, String version) {
        return new ServerHealth(name, mode, endpoint, true, Optional.of(version), Optional.empty());
    }

    public static ServerHealth down(String name, ServerMode mode, String endpoint, String problem) {
        return new ServerHealth(name, mode, endpoint, false, Optional.empty(), Optional.of(problem));
    }
}
