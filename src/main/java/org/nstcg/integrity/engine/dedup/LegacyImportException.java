package org.nstcg.integrity.engine.dedup;

/** A legacy file that cannot be imported at all (no header, an unknown column, unreadable): one sentence for a person. */
public final class LegacyImportException extends RuntimeException {

    public LegacyImportException(String message) {
        super(message);
    }

    public LegacyImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
