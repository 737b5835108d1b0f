package org.nstcg.integrity.engine.support;

/**
 * An outage or misconfiguration the user can act on. The message is a complete sentence that says what is wrong
 * and what to change; it is shown as it is, never with a stack trace.
 */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
