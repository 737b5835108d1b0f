package org.nstcg.integrity.engine.config;

import org.nstcg.integrity.engine.support.EngineException;

/** A configuration value that cannot be used. The message names the key, where the value came from, and the form expected. */
public final class ConfigException extends EngineException {

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The configuration key at fault, for example {@code db.pool.size}. */
    public String key() {
        return key;
    }
}
