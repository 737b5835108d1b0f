package org.nstcg.integrity.engine.support;

import java.util.Objects;

/**
 * A server the engine needs cannot be used: unreachable, refusing our credentials, or missing the database.
 * Names the setting that chose the server and the endpoint that was tried, so the message says what to fix.
 */
public final class ServerUnavailableException extends EngineException {

    private final String setting;
    private final String endpoint;

    public ServerUnavailableException(String setting, String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.setting = Objects.requireNonNull(setting);
        this.endpoint = Objects.requireNonNull(endpoint);
    }

    /** The configuration key to change, for example {@code db.url}. */
    public String setting() {
        return setting;
    }

    /** The host:port that was tried. */
    public String endpoint() {
        return endpoint;
    }
}
